namespace DataHub.Serving.Feed;

/// <summary>
/// Refuses every query option the endpoint cannot honour before anything else runs: Power Query
/// computes a step locally only when the folded request fails, so an ignored option would silently
/// give wrong data (EXCEL-ODATA.md, "What Power Query does").
/// </summary>
internal static class QueryGuard
{
    private static readonly HashSet<string> FeedOptions = ["$filter", "$select", "$orderby", "$top", "$skip", "$count", "$skiptoken", "$format"];

    // For /$count the spec has $top, $skip, $orderby and $select not affect the number, so they are accepted and ignored.
    private static readonly HashSet<string> CountOptions = ["$filter", "$format", "$top", "$skip", "$orderby", "$select", "$count", "$skiptoken"];

    private static readonly HashSet<string> DocumentOptions = ["$format"];

    private static readonly HashSet<string> KnownButUnsupported = ["$expand", "$search", "$apply", "$compute", "$levels", "$index", "$schemaversion", "$deltatoken", "$id", "$batch"];

    private static readonly HashSet<string> SystemNames = new(
        FeedOptions.Concat(KnownButUnsupported).Select(o => o[1..]), StringComparer.OrdinalIgnoreCase);

    public static void Check(RawQuery query, FeedEndpoint endpoint)
    {
        var allowed = endpoint switch
        {
            FeedEndpoint.Feed => FeedOptions,
            FeedEndpoint.Count => CountOptions,
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
                throw FeedError.NotImplemented("QUERY_OPTION_UNSUPPORTED", $"不支持查询参数 {name}。支持的参数：{string.Join("、", FeedOptions)}。", name);
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

    private static void CheckFormat(string format, FeedEndpoint endpoint)
    {
        var value = format.Trim().ToLowerInvariant();
        var mediaType = value.Split(';')[0].Trim();
        var ok = endpoint switch
        {
            FeedEndpoint.Metadata => mediaType is "xml" or "application/xml",
            FeedEndpoint.Count => false,
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
                _ => "json（odata.metadata=minimal）",
            };
            throw FeedError.BadRequest("FORMAT_UNSUPPORTED", $"不支持的输出格式 $format={format}；支持：{supported}。", "$format");
        }
    }
}
