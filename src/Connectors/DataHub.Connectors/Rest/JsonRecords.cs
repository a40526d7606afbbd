using System.Globalization;
using System.Text.Json;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Rest;

/// <summary>
/// Finds the records in a JSON response and turns each into a row of text values: nested objects
/// become dotted column names (<c>community.code</c>), arrays and other structures keep their JSON
/// text, numbers their exact source text (no float rounding), booleans <c>true</c>/<c>false</c>.
/// </summary>
internal static class JsonRecords
{
    /// <summary>The element at a dotted path; null when the path leads nowhere.</summary>
    public static JsonElement? At(JsonElement root, string path)
    {
        if (path.Length == 0) return root;
        var current = root;
        foreach (var part in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out var next)) return null;
            current = next;
        }
        return current;
    }

    /// <summary>The records array at <paramref name="path"/>, or a data failure naming what was found instead.</summary>
    public static JsonElement Array(JsonElement root, string path, string sourceId, string where)
    {
        var found = At(root, path);
        if (found is { ValueKind: JsonValueKind.Array } array) return array;
        throw new ConnectorException(ConnectorFailure.Config, "REST_RECORDS_PATH",
            found is null
                ? $"响应中找不到记录数组“{(path.Length == 0 ? "（根）" : path)}”"
                : $"响应中“{(path.Length == 0 ? "（根）" : path)}”不是数组，而是 {Kind(found.Value.ValueKind)}",
            where, $"按对方接口文档改正数据源 {sourceId} 的 connector.records_path（如 data.items；响应本身是数组时留空）");
    }

    /// <summary>Column names in order of first appearance over the given records.</summary>
    public static List<string> Columns(JsonElement records)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records.EnumerateArray())
        {
            if (record.ValueKind == JsonValueKind.Object) Collect(record, "", names, seen);
        }
        return names;
    }

    private static void Collect(JsonElement obj, string prefix, List<string> names, HashSet<string> seen)
    {
        foreach (var p in obj.EnumerateObject())
        {
            var name = prefix + p.Name;
            if (p.Value.ValueKind == JsonValueKind.Object) Collect(p.Value, name + ".", names, seen);
            else if (seen.Add(name)) names.Add(name);
        }
    }

    /// <summary>The record's values in the order of <paramref name="index"/>; columns the record lacks are null.</summary>
    public static object?[] Values(JsonElement record, Dictionary<string, int> index, int width)
    {
        var values = new object?[width];
        Fill(record, "", index, values);
        return values;
    }

    private static void Fill(JsonElement obj, string prefix, Dictionary<string, int> index, object?[] values)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Object)
            {
                Fill(p.Value, prefix + p.Name + ".", index, values);
                continue;
            }
            // A property not among the columns (first seen after the first page) is left out here;
            // schema drift is reported by the runner's discover, not guessed by the reader.
            if (index.TryGetValue(prefix.Length == 0 ? p.Name : prefix + p.Name, out var i)) values[i] = Text(p.Value);
        }
    }

    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    public static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "对象",
        JsonValueKind.Array => "数组",
        JsonValueKind.String => "字符串",
        JsonValueKind.Number => "数字",
        JsonValueKind.True or JsonValueKind.False => "布尔值",
        _ => "null",
    };

    /// <summary>Compares two cursor values: as instants when both parse as dates, else ordinally.</summary>
    public static int CompareCursor(string a, string b)
    {
        if (DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var x)
            && DateTimeOffset.TryParse(b, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var y))
            return x.CompareTo(y);
        return string.CompareOrdinal(a, b);
    }
}
