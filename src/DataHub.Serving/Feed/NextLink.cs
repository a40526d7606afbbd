namespace DataHub.Serving.Feed;

/// <summary>
/// Absolute nextLinks: the service root the host gave (forwarded headers applied), the request's
/// path, every original query option exactly as sent except <c>$skip</c> (the first page consumed it)
/// and the old <c>$skiptoken</c>, then the new <c>$skiptoken</c>. Dropping <c>$select</c> or
/// <c>$filter</c> here would give page 2 other columns or rows (EXCEL-ODATA.md, known traps).
/// </summary>
internal static class NextLink
{
    public static Uri Build(Uri serviceRoot, FeedRoute route, RawQuery query, string skipToken)
    {
        var kept = query.Options
            .Where(o => o.Name is not "$skip" and not "$skiptoken")
            .Select(o => o.Raw)
            .Append("$skiptoken=" + skipToken);
        return new Uri(serviceRoot.AbsoluteUri + route.RawPath + "?" + string.Join("&", kept), UriKind.Absolute);
    }
}
