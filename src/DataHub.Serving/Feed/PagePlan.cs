namespace DataHub.Serving.Feed;

/// <summary>
/// How many rows this page writes and fetches. <c>$skip</c> applies once, as an OFFSET on the first
/// page; later pages continue by keyset. <c>$top</c> counts rows across pages via the token.
/// </summary>
/// <param name="Limit">Rows this page may write.</param>
/// <param name="Fetch">Rows to ask DuckDB for: one more than <see cref="Limit"/> to learn whether a next page exists, unless $top ends the feed here.</param>
internal sealed record PagePlan(long Limit, long Fetch, long Offset, long ReturnedBefore)
{
    public static PagePlan Of(long? top, long? skip, long returnedBefore, bool firstPage, int pageSize)
    {
        var remaining = top is { } t ? Math.Max(0, t - returnedBefore) : long.MaxValue;
        var limit = Math.Min(pageSize, remaining);
        var fetch = remaining > pageSize ? limit + 1 : limit;
        return new PagePlan(limit, fetch, firstPage ? skip ?? 0 : 0, returnedBefore);
    }
}
