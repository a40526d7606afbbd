namespace DataHub.Serving.Feed;

/// <summary>
/// Which resource a request addresses, relative to the service root: "" (service document),
/// "$metadata", "{EntitySet}" or "{EntitySet}/$count". Anything else is a 404 (or 501 for OData
/// features the service does not offer).
/// </summary>
/// <param name="RawPath">The relative path as sent (percent-encoded), reused in nextLinks.</param>
internal sealed record FeedRoute(FeedEndpoint Endpoint, string? EntitySet, string RawPath)
{
    public static FeedRoute Parse(Uri serviceRoot, Uri requestUri)
    {
        var rootPath = serviceRoot.AbsolutePath;
        var path = requestUri.AbsolutePath;
        if (path + "/" == rootPath) return new FeedRoute(FeedEndpoint.ServiceDocument, null, "");
        if (!path.StartsWith(rootPath, StringComparison.Ordinal)) throw NotFound();

        var raw = path[rootPath.Length..];
        var segments = raw.Split('/').Select(Uri.UnescapeDataString).ToArray();
        switch (segments)
        {
            case [""]:
                return new FeedRoute(FeedEndpoint.ServiceDocument, null, raw);
            case ["$metadata"]:
                return new FeedRoute(FeedEndpoint.Metadata, null, raw);
            case ["$batch"]:
                throw FeedError.NotImplemented("NOT_IMPLEMENTED", "不支持 $batch 批量请求。");
            case [var set] when IsSetName(set):
                return new FeedRoute(FeedEndpoint.Feed, set, raw);
            case [var set, "$count"] when IsSetName(set):
                return new FeedRoute(FeedEndpoint.Count, set, raw);
            case [var keyed] when KeyedSetName(keyed) is { } set:
                return new FeedRoute(FeedEndpoint.Entity, set, raw);
            case [var set, ..] when set.Contains('(', StringComparison.Ordinal):
                throw FeedError.BadRequest("QUERY_INVALID", "按主键读取只支持单条记录本身（如 Population('记录编号')），不支持其属性或导航路径。");
            default:
                throw NotFound();
        }
    }

    /// <summary>The set name of <c>Set(key)</c>; the key itself is parsed against the model later.</summary>
    private static string? KeyedSetName(string segment)
    {
        var open = segment.IndexOf('(', StringComparison.Ordinal);
        return open > 0 && segment.EndsWith(')') && !segment.StartsWith('$') ? segment[..open] : null;
    }

    private static bool IsSetName(string segment) =>
        segment.Length > 0 && !segment.StartsWith('$') && !segment.Contains('(', StringComparison.Ordinal);

    private static FeedError NotFound() => FeedError.NotFound("请求的地址不存在。可用的数据集见服务根地址。");
}
