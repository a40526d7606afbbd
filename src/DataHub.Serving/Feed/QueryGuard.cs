namespace DataHub.Serving.Feed;

/// <summary>
/// Refuses every query option the endpoint cannot honour before anything else runs: Power Query
/// computes a step locally only when the folded request fails, so an ignored option would silently
/// give wrong data (EXCEL-ODATA.md, "What Power Query does").
/// </summary>
internal static class QueryGuard
{
    private static readonly HashSet<string> FeedOptions = ["$filter", "$select", "$orderby", "$top", "$skip", "$count", "$skiptoken", "$format", "$apply"];

    // For /$count the spec has $top, $skip, $orderby and $select not affect the number, so they are accepted and ignored.
    private static readonly HashSet<string> CountOptions = ["$filter", "$format", "$top", "$skip", "$orderby", "$select", "$count", "$skiptoken", "$apply"];

    private static readonly HashSet<string> EntityOptions = ["$select", "$format"];

    private static readonly HashSet<string> DocumentOptions = ["$format"];

    private static readonly HashSet<string> KnownButUnsupported = ["$expand", "$search", "$compute", "$levels", "$index", "$schemaversion", "$deltatoken", "$id", "$batch"];

    private static readonly HashSet<string> SystemNames = new(
        FeedOptions.Concat(KnownButUnsupported).Select(o => o[1..]), StringComparer.OrdinalIgnoreCase);

    public static void Check(RawQuery query, FeedEndpoint endpoint)
    {
        var allowed = endpoint switch
        {
            FeedEndpoint.Feed => FeedOptions,
            FeedEndpoint.Count => CountOptions,
            FeedEndpoint.Entity => EntityOptions,
            _ => DocumentOptions,
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in query.Options)
        {
            var name = option.Name;
            if (!name.StartsWith('$'))
            {
                if (SystemNames.Contains(name))
                {
                    throw FeedError.BadRequest("QUERY_OPTION_UNKNOWN", $"查询参数“{name}”缺少 $ 前缀，应写作 ${name}。", name);
                }
                continue; // A custom option (e.g. an API key parameter): not ours to interpret; kept in nextLinks.
            }
            if (KnownButUnsupported.Contains(name))
            {
                throw FeedError.BadRequest("QUERY_OPTION_UNSUPPORTED", Unsupported(name), name);
            }
            if (!allowed.Contains(name))
            {
                throw FeedError.BadRequest("QUERY_OPTION_UNKNOWN", $"此地址不支持查询参数 {name}（参数名区分大小写）。", name);
            }
            if (!seen.Add(name))
            {
                throw FeedError.BadRequest("QUERY_INVALID", $"查询参数 {name} 出现了多次。", name);
            }
        }

        if (query.Has("$skip") && query.Has("$skiptoken") && endpoint == FeedEndpoint.Feed)
        {
            throw FeedError.BadRequest("QUERY_INVALID", "$skip 不能与 $skiptoken 同时使用：请直接请求上一页给出的 @odata.nextLink。", "$skip");
        }
        if (query.Value("$format") is { } format) CheckFormat(format, endpoint);
    }

    /// <summary>What is not supported and what to do instead (Power BI and Excel send some of these routinely).</summary>
    private static string Unsupported(string name) => name switch
    {
        "$expand" => "不支持 $expand：数据集是扁平表，没有导航属性；请去掉“展开”步骤，直接使用各字段。",
        "$search" => "不支持全文搜索 $search：请改用 $filter，例如 $filter=contains(字段,'关键词')。",
        "$compute" => "不支持 $compute：请在 Excel 或 Power BI 中添加计算列，或把表达式直接写在 $filter 中。",
        _ => $"不支持查询参数 {name}。支持的参数：{string.Join("、", FeedOptions)}。",
    };

    private static void CheckFormat(string format, FeedEndpoint endpoint)
    {
        var value = format.Trim().ToLowerInvariant();
        var mediaType = value.Split(';')[0].Trim();
        var ok = endpoint switch
        {
            FeedEndpoint.Metadata => mediaType is "xml" or "application/xml",
            FeedEndpoint.Count => false,
            FeedEndpoint.Feed when Download.DownloadFormat.Parse(format) is not null => true,
            _ => mediaType is "json" or "application/json"
                 && !value.Contains("odata.metadata=full", StringComparison.Ordinal)
                 && !value.Contains("odata.metadata=none", StringComparison.Ordinal),
        };
        if (!ok)
        {
            var supported = endpoint switch
            {
                FeedEndpoint.Metadata => "xml",
                FeedEndpoint.Count => "（无：$count 总是返回纯文本）",
                FeedEndpoint.Feed => $"json（odata.metadata=minimal），或下载文件：{Download.DownloadFormat.Supported}",
                _ => "json（odata.metadata=minimal）",
            };
            throw FeedError.BadRequest("FORMAT_UNSUPPORTED", $"不支持的输出格式 $format={format}；支持：{supported}。", "$format");
        }
    }
}
