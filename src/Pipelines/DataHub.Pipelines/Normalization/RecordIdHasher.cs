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
    public string Hash(IEnumerable<string> naturalKey)
    {
        var text = string.Join('\u001f', naturalKey);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text), mac);
        return Convert.ToHexStringLower(mac[..8]);
    }
}
