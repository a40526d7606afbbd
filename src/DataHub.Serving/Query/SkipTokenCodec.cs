using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DataHub.Serving.Query;

/// <summary>
/// Encodes skiptokens as base64url(JSON || HMAC-SHA256[0..16]). The MAC (keyed by the server secret)
/// makes the token opaque to tampering: a forged token cannot move the keyset or the pinned version.
/// Values carry a type tag so they bind back as the same DuckDB type.
/// </summary>
internal sealed class SkipTokenCodec
{
    private const int MacLength = 16;
    private readonly byte[] key;

    public SkipTokenCodec(string secret)
    {
        // A key of its own, derived from the server secret, so a token MAC is never a hash-mask value.
        key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "datahub/skiptoken/v1"u8);
    }

    public string Encode(SkipToken token)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", token.Version);
            json.WriteNumber("n", token.Returned);
            json.WriteString("q", token.Fingerprint);
            json.WriteStartArray("k");
            foreach (var value in token.Values) WriteValue(json, value);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        var payload = buffer.ToArray();
        var mac = HMACSHA256.HashData(key, payload).AsSpan(0, MacLength);
        return Base64Url.EncodeToString([.. payload, .. mac]);
    }

    /// <summary>The token, or a 400 <c>SKIPTOKEN_INVALID</c> when it is malformed or was not issued by this server.</summary>
    public SkipToken Decode(string text)
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
        if (bytes.Length <= MacLength) throw Invalid();
        var payload = bytes.AsSpan(0, bytes.Length - MacLength);
        var expected = HMACSHA256.HashData(key, payload).AsSpan(0, MacLength);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - MacLength))) throw Invalid();

        try
        {
            using var doc = JsonDocument.Parse(payload.ToArray());
            var root = doc.RootElement;
            var values = root.GetProperty("k").EnumerateArray().Select(ReadValue).ToArray();
            return new SkipToken(root.GetProperty("v").GetInt64(), root.GetProperty("n").GetInt64(), values, root.GetProperty("q").GetString()!);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
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
