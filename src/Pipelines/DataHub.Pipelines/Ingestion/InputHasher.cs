using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DataHub.Connectors.Abstractions;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// The fingerprint of what a run consumed: the source definition's text, the schema version and
/// every record's position and values, as the connector delivered them. Equal fingerprints mean the
/// same rows would be produced again, whatever the connector, so the run publishes nothing new.
/// </summary>
internal sealed class InputHasher : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);

    public InputHasher(string definitionText, string schemaVersion)
    {
        Append(definitionText);
        Append(schemaVersion);
    }

    public void Add(in SourceRecord record)
    {
        Append(record.Position.ToString(CultureInfo.InvariantCulture));
        foreach (var v in record.Values)
        {
            // A field separator that cannot occur in text, and a distinct marker for null vs "".
            Append(v is null ? "\u0000" : "\u0001" + Convert.ToString(v, CultureInfo.InvariantCulture));
        }
    }

    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    private void Append(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length) + 1;
        if (_buffer.Length < max)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(max);
        }
        var n = Encoding.UTF8.GetBytes(text, _buffer);
        _buffer[n] = 0x1F;
        _hash.AppendData(_buffer, 0, n + 1);
    }

    public void Dispose()
    {
        _hash.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
