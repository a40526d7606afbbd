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

    /// <summary>Always CSDL XML (Edmx 4.0), whatever the Accept header: Power Query rejects anything else.</summary>
    public static FeedResult Metadata(FeedContext context, FeedRequest request, OutcomeState outcome)
    {
        var model = context.Models.Service(context.Visible(request.Principal, request.Version), request.Principal.Role);
        return new FeedResult(200, ResponseHeaders.For(ResponseHeaders.Xml), new BytesBody(model.Csdl), outcome);
    }
}
