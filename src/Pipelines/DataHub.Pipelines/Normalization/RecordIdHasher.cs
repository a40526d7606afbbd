using System.Text;

namespace DataHub.Pipelines.Normalization;

/// <summary>
/// Pseudonymous record ids: HMAC-SHA256 of the natural key under a secret kept in the data folder,
/// cut to 16 hex digits. The same person gets the same id in every dataset keyed by ID number, so
/// records join across departments without the ID number leaving the lake.
/// </summary>
/// <remarks>
/// One HMAC per record, computed by <see cref="KeyedSha256"/> (the key's pads hashed once): the
/// platform's HMAC went through OpenSSL's shared algorithm lookup on every call, which cost an
/// ingest more CPU than all other checks of a record together. The ids are the same bytes.
/// </remarks>
public sealed class RecordIdHasher(byte[] key)
{
    private readonly KeyedSha256 _mac = new(key);

    /// <summary>The id of a row from its natural-key fields (null as ""), without building the joined key on the heap.</summary>
    public string Hash(IReadOnlyList<string> keyFields, IReadOnlyDictionary<string, string?> row)
    {
        var length = 0;
        foreach (var f in keyFields) length += Encoding.UTF8.GetMaxByteCount((row.GetValueOrDefault(f) ?? "").Length) + 1;
        var rented = length > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> bytes = rented ?? stackalloc byte[512];
        var n = 0;
        for (var i = 0; i < keyFields.Count; i++)
        {
            if (i > 0) bytes[n++] = 0x1F;
            n += Encoding.UTF8.GetBytes(row.GetValueOrDefault(keyFields[i]) ?? "", bytes[n..]);
        }
        var id = Id(bytes[..n]);
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        return id;
    }

    public string Hash(IEnumerable<string> naturalKey) => Id(Encoding.UTF8.GetBytes(string.Join('\u001f', naturalKey)));

    private string Id(ReadOnlySpan<byte> text)
    {
        Span<byte> digest = stackalloc byte[32];
        _mac.Compute(text, digest);
        return Convert.ToHexStringLower(digest[..8]);
    }
}
