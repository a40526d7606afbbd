using System.Globalization;
using System.Text;
using System.Text.Json;
using DataHub.Simulators.District.Stores;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace DataHub.Simulators.District.Servers;

/// <summary>
/// The simulated 市场监管 enterprise API: <c>GET /scjg/api/v1/enterprises</c> with an API key in
/// <c>X-Api-Key</c>, paging by <c>page</c>&amp;<c>size</c>, <c>offset</c>&amp;<c>size</c> or an opaque
/// <c>cursor</c> (the response's <c>data.next_cursor</c>), and <c>updated_since</c> (exclusive).
/// Envelope: <c>{"code":0,"message":"成功","data":{"total":N,"items":[…],"next_cursor":…}}</c>.
/// </summary>
internal static class EnterpriseApi
{
    public const string Path = "/scjg/api/v1/enterprises";
    public const string KeyHeader = "X-Api-Key";

    public static void Map(WebApplication app, DistrictStore store, string apiKey)
    {
        app.MapGet(Path, (HttpContext http) => Serve(http, store, apiKey));
    }

    private static IResult Serve(HttpContext http, DistrictStore store, string apiKey)
    {
        var q = http.Request.Query;
        if (!string.Equals(http.Request.Headers[KeyHeader].ToString(), apiKey, StringComparison.Ordinal))
            return Results.Json(new { code = 401, message = "API key 无效" }, statusCode: 401);
        var size = Int(q["size"], 100, 1, 1000) ?? Int(q["limit"], 100, 1, 1000) ?? 100;
        long after = 0;
        var offset = 0L;
        if (q.TryGetValue("cursor", out var cursor) && cursor.ToString().Length > 0)
        {
            if (!TryDecodeCursor(cursor.ToString(), out after))
                return Results.Json(new { code = 400, message = "cursor 无效" }, statusCode: 400);
        }
        else if (q.TryGetValue("offset", out var o)) offset = Int(o, 0, 0, int.MaxValue) ?? 0;
        else if (q.TryGetValue("page", out var p)) offset = ((Int(p, 1, 1, int.MaxValue) ?? 1) - 1L) * size;

        string? since = null;
        if (q.TryGetValue("updated_since", out var s) && s.ToString().Length > 0)
        {
            if (!DateTimeOffset.TryParse(s.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var sinceAt))
                return Results.Json(new { code = 400, message = "updated_since 不是有效时间" }, statusCode: 400);
            since = FhirResources.Instant(sinceAt);
        }

        using var conn = store.Open();
        var where = "WHERE seq > $after" + (since is null ? "" : " AND updated > $since");
        long total;
        using (var count = conn.CreateCommand())
        {
            count.CommandText = "SELECT count(*) FROM enterprise " + (since is null ? "" : "WHERE updated > $since");
            if (since is not null) count.Parameters.AddWithValue("$since", since);
            total = (long)count.ExecuteScalar()!;
        }
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT seq, json FROM enterprise {where} ORDER BY seq LIMIT $size OFFSET $offset";
        cmd.Parameters.AddWithValue("$after", after);
        cmd.Parameters.AddWithValue("$size", size + 1);
        cmd.Parameters.AddWithValue("$offset", offset);
        if (since is not null) cmd.Parameters.AddWithValue("$since", since);

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("code", 0);
            w.WriteString("message", "成功");
            w.WriteStartObject("data");
            w.WriteNumber("total", total);
            w.WriteStartArray("items");
            using var reader = cmd.ExecuteReader();
            var written = 0;
            long lastSeq = 0;
            var more = false;
            while (reader.Read())
            {
                if (written == size)
                {
                    more = true;
                    break;
                }
                lastSeq = reader.GetInt64(0);
                w.WriteRawValue(reader.GetString(1), skipInputValidation: true);
                written++;
            }
            w.WriteEndArray();
            if (more) w.WriteString("next_cursor", Convert.ToBase64String(Encoding.UTF8.GetBytes("seq:" + lastSeq.ToString(CultureInfo.InvariantCulture))));
            else w.WriteNull("next_cursor");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
    }

    private static bool TryDecodeCursor(string cursor, out long after)
    {
        after = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("seq:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out after);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static int? Int(Microsoft.Extensions.Primitives.StringValues value, int fallback, int min, int max)
    {
        if (value.Count == 0) return null;
        return int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : fallback;
    }

    internal static SqliteConnection Open(DistrictStore store) => store.Open();
}
