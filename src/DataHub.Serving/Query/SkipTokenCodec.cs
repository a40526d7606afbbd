using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DataHub.Serving.Query;

/// <summary>
/// Encodes skiptokens as base64url(nonce || AES-256-GCM(JSON) || tag). The key is derived from the
/// server secret (HKDF-SHA256, a key of its own, never the hash-mask key); the associated data is the
/// query's fingerprint (entity set, <c>$filter</c>, <c>$orderby</c>), so a token opens only for the
/// query that issued it. Encryption keeps the last row's sort values (which may be names or ID
/// numbers when a steward sorts by them) out of URLs, proxy logs and Excel's query text;
/// authentication means a forged or altered token cannot move the keyset or the pinned version.
/// Values carry a type tag so they bind back as the same DuckDB type.
/// </summary>
internal sealed class SkipTokenCodec
{
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private readonly byte[] key;

    public SkipTokenCodec(string secret)
    {
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "datahub/skiptoken/v2"u8.ToArray());
    }

    public string Encode(SkipToken token)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", token.Version);
            json.WriteNumber("n", token.Returned);
            json.WriteStartArray("k");
            foreach (var value in token.Values) WriteValue(json, value);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        var plain = buffer.WrittenSpan;
        var sealedToken = new byte[NonceLength + plain.Length + TagLength];
        var nonce = sealedToken.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagLength))
        {
            aes.Encrypt(nonce, plain, sealedToken.AsSpan(NonceLength, plain.Length), sealedToken.AsSpan(NonceLength + plain.Length), Encoding.UTF8.GetBytes(token.Fingerprint));
        }
        return Base64Url.EncodeToString(sealedToken);
    }

    /// <summary>
    /// The token, or a 400 <c>SKIPTOKEN_INVALID</c> when it is malformed, was not issued by this
    /// server, or was issued for another query (<paramref name="fingerprint"/> differs).
    /// </summary>
    public SkipToken Decode(string text, string fingerprint)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            throw Invalid();
        }
        if (bytes.Length <= NonceLength + TagLength) throw Invalid();
        var cipherLength = bytes.Length - NonceLength - TagLength;
        var plain = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(bytes.AsSpan(0, NonceLength), bytes.AsSpan(NonceLength, cipherLength), bytes.AsSpan(NonceLength + cipherLength), plain, Encoding.UTF8.GetBytes(fingerprint));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Invalid();
        }

        try
        {
            using var doc = JsonDocument.Parse(plain);
            var root = doc.RootElement;
            var values = root.GetProperty("k").EnumerateArray().Select(ReadValue).ToArray();
            return new SkipToken(root.GetProperty("v").GetInt64(), root.GetProperty("n").GetInt64(), values, fingerprint);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw Invalid();
        }
    }

    public static FeedError Invalid() =>
        FeedError.BadRequest("SKIPTOKEN_INVALID", "分页标记（$skiptoken）无效或与本次查询不符，请从第一页重新读取。", "$skiptoken");

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
            return;
        }
        var (tag, text) = value switch
        {
            string s => ("s", s),
            bool b => ("b", b ? "1" : "0"),
            int i => ("i", i.ToString(CultureInfo.InvariantCulture)),
            long l => ("l", l.ToString(CultureInfo.InvariantCulture)),
            decimal m => ("m", m.ToString(CultureInfo.InvariantCulture)),
            double d => ("d", d.ToString("R", CultureInfo.InvariantCulture)),
            DateOnly d => ("D", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            DateTimeOffset t => ("T", t.UtcTicks.ToString(CultureInfo.InvariantCulture)),
            _ => throw new InvalidOperationException($"A sort key of type {value.GetType().Name} cannot be carried in a skiptoken."),
        };
        json.WriteStartArray();
        json.WriteStringValue(tag);
        json.WriteStringValue(text);
        json.WriteEndArray();
    }

    private static object? ReadValue(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        var tag = e[0].GetString();
        var text = e[1].GetString() ?? throw new FormatException();
        var inv = CultureInfo.InvariantCulture;
        return tag switch
        {
            "s" => text,
            "b" => text == "1",
            "i" => int.Parse(text, inv),
            "l" => long.Parse(text, inv),
            "m" => decimal.Parse(text, NumberStyles.Number, inv),
            "d" => double.Parse(text, NumberStyles.Float, inv),
            "D" => DateOnly.ParseExact(text, "yyyy-MM-dd", inv),
            "T" => new DateTimeOffset(long.Parse(text, inv), TimeSpan.Zero),
            _ => throw new FormatException(),
        };
    }

    /// <summary>A short hash of what the keyset depends on: the entity set, $filter and $orderby as sent.</summary>
    public static string Fingerprint(string entitySet, string? filter, string? orderBy)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{entitySet}\n{filter}\n{orderBy}"));
        return Base64Url.EncodeToString(hash.AsSpan(0, 12));
    }
}
