namespace DataHub.Serving.Feed;

/// <summary>
/// The service document and <c>$metadata</c>, fetched on every Power Query refresh: both come from
/// the cached model of the principal's role and the datasets it may open.
/// </summary>
internal static class DocumentEndpoints
{
    public static FeedResult ServiceDocument(FeedContext context, FeedRequest request, Uri serviceRoot, OutcomeState outcome)
    {
        var model = context.Models.Service(context.Visible(request.Principal, request.Version), request.Principal.Role);
        return new FeedResult(200, ResponseHeaders.For(ResponseHeaders.Json), new ServiceDocumentBody(model, serviceRoot), outcome);
    }

    /// <summary>
    /// Always CSDL XML (Edmx 4.0), whatever the Accept header: Power Query rejects anything else. The
    /// document is cached per role and dataset versions, with an ETag; a client that sends it back in
    /// <c>If-None-Match</c> gets 304 without a body until a version or the role's view changes.
    /// </summary>
    public static FeedResult Metadata(FeedContext context, FeedRequest request, OutcomeState outcome)
    {
        var model = context.Models.Service(context.Visible(request.Principal, request.Version), request.Principal.Role);
        var headers = ResponseHeaders.For(ResponseHeaders.Xml);
        headers.Add(new("ETag", model.ETag));
        // Per principal's view, so shared caches must not keep it; clients revalidate with the ETag.
        headers.Add(new("Cache-Control", "private, no-cache"));
        return Matches(request.IfNoneMatch, model.ETag)
            ? new FeedResult(304, headers, new BytesBody([]), outcome)
            : new FeedResult(200, headers, new BytesBody(model.Csdl), outcome);
    }

    private static bool Matches(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch)) return false;
        foreach (var part in ifNoneMatch.Split(','))
        {
            var tag = part.Trim();
            if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
            if (tag == "*" || tag == etag) return true;
        }
        return false;
    }
}
