using System.Security.Cryptography;
using System.Text;
using DataHub.Pipelines.Normalization;
using Xunit;

namespace DataHub.Pipelines.Tests.Normalization;

/// <summary>
/// The record id is the first 8 bytes of HMAC-SHA256(key, natural key fields joined by U+001F) as
/// hex: ids already in the lake must not change when the hasher reuses its MAC contexts.
/// </summary>
public sealed class RecordIdHasherTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef");

    private static string Expected(params string[] fields) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(string.Join('\u001f', fields)))[..8]);

    [Fact]
    public void Hash_OfRowFields_IsTheTruncatedHmacOfTheJoinedKey()
    {
        var hasher = new RecordIdHasher(Key);
        var row = new Dictionary<string, string?> { ["id_number"] = "320113198001011234", ["name"] = "张三", ["empty"] = null };

        Assert.Equal(Expected("320113198001011234"), hasher.Hash(["id_number"], row));
        Assert.Equal(Expected("320113198001011234", "张三", ""), hasher.Hash(["id_number", "name", "empty"], row));
        // Called again: the reused context was reset, not left holding the previous key's bytes.
        Assert.Equal(Expected("320113198001011234"), hasher.Hash(["id_number"], row));
        Assert.Equal(Expected("\u0000fallback", "张三"), hasher.Hash(new[] { "\u0000fallback", "张三" }.AsEnumerable()));
    }

    [Fact]
    public void Hash_LongKey_UsesAPooledBufferAndStillMatches()
    {
        var hasher = new RecordIdHasher(Key);
        var longValue = new string('地', 400);
        var row = new Dictionary<string, string?> { ["address"] = longValue };

        Assert.Equal(Expected(longValue), hasher.Hash(["address"], row));
    }

    [Fact]
    public async Task Hash_OnManyThreadsAtOnce_GivesEveryRowItsOwnId()
    {
        var hasher = new RecordIdHasher(Key);
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            Enumerable.Range(0, 2000).Select(i => (i, hasher.Hash(["k"], new Dictionary<string, string?> { ["k"] = $"{t}-{i}" }))).ToArray())));

        for (var t = 0; t < ids.Length; t++)
        {
            foreach (var (i, id) in ids[t]) Assert.Equal(Expected($"{t}-{i}"), id);
        }
    }
}

/// <summary>The hand-written HMAC-SHA256 behind record ids against the platform's, on every message length across several blocks and on keys shorter than, equal to and longer than a block.</summary>
public sealed class KeyedSha256Tests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(131)]
    public void Compute_EqualsHmacSha256_ForEveryMessageLength(int keyLength)
    {
        var random = new Random(keyLength + 17);
        var key = new byte[keyLength];
        random.NextBytes(key);
        var mac = new KeyedSha256(key);
        Span<byte> actual = stackalloc byte[32];

        for (var length = 0; length <= 300; length++)
        {
            var message = new byte[length];
            random.NextBytes(message);

            mac.Compute(message, actual);

            Assert.Equal(Convert.ToHexString(HMACSHA256.HashData(key, message)), Convert.ToHexString(actual));
        }
    }
}
