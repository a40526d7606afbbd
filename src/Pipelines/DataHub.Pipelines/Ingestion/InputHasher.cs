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
        var bytes = new ArrayBufferWriter<byte>(256);
        Encode(record, bytes);
        Append(bytes.WrittenSpan);
    }

    /// <summary>Appends bytes <see cref="Encode"/> produced (on any thread), in read order.</summary>
    public void Append(ReadOnlySpan<byte> encoded) => _hash.AppendData(encoded);

    /// <summary>
    /// The bytes one record adds to the fingerprint: its position, then per value a marker (0x00 null,
    /// 0x01 text) and the UTF-8 text, each item closed by 0x1F (a separator that cannot occur in text).
    /// Pure: batches are encoded on worker tasks and appended in order.
    /// </summary>
    public static void Encode(in SourceRecord record, ArrayBufferWriter<byte> output)
    {
        Span<char> digits = stackalloc char[24];
        record.Position.TryFormat(digits, out var n, default, CultureInfo.InvariantCulture);
        Write(output, digits[..n]);
        foreach (var v in record.Values)
        {
            if (v is null)
            {
                output.Write(NullValue);
                continue;
            }
            output.Write(TextValue);
            Write(output, (v as string ?? Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").AsSpan());
        }
    }

    private static readonly byte[] NullValue = [0x00, 0x1F];
    private static readonly byte[] TextValue = [0x01];

    private static void Write(ArrayBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length) + 1);
        var n = Encoding.UTF8.GetBytes(text, span);
        span[n] = 0x1F;
        output.Advance(n + 1);
    }

    /// <summary>
    /// Stands for every record of a read whose connector hashed the bytes it parsed (the same bytes
    /// parse to the same records under the same definition, which is already in the fingerprint).
    /// </summary>
    public void AppendContent(string sha256) => Append("content-sha256:" + sha256);

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
