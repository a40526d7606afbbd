using System.Security.Cryptography;
using System.Text;

namespace DataHub.Pipelines.Normalization;

/// <summary>
/// Pseudonymous record ids: HMAC-SHA256 of the natural key under a secret kept in the data folder,
/// cut to 16 hex digits. The same person gets the same id in every dataset keyed by ID number, so
/// records join across departments without the ID number leaving the lake.
/// </summary>
public sealed class RecordIdHasher(byte[] key)
{
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
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, bytes[..n], mac);
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        return Convert.ToHexStringLower(mac[..8]);
    }

    public string Hash(IEnumerable<string> naturalKey)
    {
        var text = string.Join('\u001f', naturalKey);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text), mac);
        return Convert.ToHexStringLower(mac[..8]);
    }
}
