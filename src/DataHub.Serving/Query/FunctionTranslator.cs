using Microsoft.OData.UriParser;

namespace DataHub.Serving.Query;

/// <summary>
/// The canonical OData functions the feed supports, as DuckDB SQL. OData string positions are
/// zero-based and DuckDB's one-based; <c>concat</c> uses <c>||</c> because DuckDB's <c>concat()</c>
/// skips NULLs where OData returns null. Date parts are taken in UTC (the connection's time zone),
/// the offset every DateTimeOffset is written with. The list is also published as
/// <c>Capabilities.FilterFunctions</c>, so keep the two in step by using <see cref="Supported"/>.
/// </summary>
internal static class FunctionTranslator
{
    private static readonly Dictionary<string, Func<string[], string>> Functions = new(StringComparer.Ordinal)
    {
        ["contains"] = a => $"contains({a[0]}, {a[1]})",
        ["startswith"] = a => $"starts_with({a[0]}, {a[1]})",
        ["endswith"] = a => $"ends_with({a[0]}, {a[1]})",
        ["tolower"] = a => $"lower({a[0]})",
        ["toupper"] = a => $"upper({a[0]})",
        ["trim"] = a => $"trim({a[0]})",
        ["length"] = a => $"CAST(length({a[0]}) AS INTEGER)",
        ["indexof"] = a => $"CAST(strpos({a[0]}, {a[1]}) - 1 AS INTEGER)",
        ["substring"] = a => a.Length == 2
            ? $"substring({a[0]}, greatest({a[1]}, 0) + 1)"
            : $"substring({a[0]}, greatest({a[1]}, 0) + 1, greatest({a[2]}, 0))",
        ["concat"] = a => $"({a[0]} || {a[1]})",
        ["year"] = a => $"CAST(year({a[0]}) AS INTEGER)",
        ["month"] = a => $"CAST(month({a[0]}) AS INTEGER)",
        ["day"] = a => $"CAST(day({a[0]}) AS INTEGER)",
        ["hour"] = a => $"CAST(hour({a[0]}) AS INTEGER)",
        ["minute"] = a => $"CAST(minute({a[0]}) AS INTEGER)",
        ["second"] = a => $"CAST(second({a[0]}) AS INTEGER)",
        ["date"] = a => $"CAST({a[0]} AS DATE)",
        ["round"] = a => $"round({a[0]})",
        ["floor"] = a => $"floor({a[0]})",
        ["ceiling"] = a => $"ceil({a[0]})",
    };

    public static IReadOnlyCollection<string> Supported => Functions.Keys;

    public static string Translate(SingleValueFunctionCallNode node, Func<SingleValueNode, string> value)
    {
        if (!Functions.TryGetValue(node.Name, out var sql))
        {
            throw FeedError.BadRequest("FUNCTION_UNSUPPORTED", $"不支持函数 {node.Name}。支持的函数：{string.Join("、", Supported)}。", "$filter");
        }
        var args = node.Parameters.Select(p => p is SingleValueNode s
            ? value(s)
            : throw FeedError.BadRequest("EXPRESSION_UNSUPPORTED", $"函数 {node.Name} 的参数不支持集合。", "$filter")).ToArray();
        return sql(args);
    }
}
