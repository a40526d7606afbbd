using DataHub.Core.Access;

namespace DataHub.Serving.Tests.Kit;

/// <summary>
/// Calls the service as the host would (absolute root and request URIs, Prefer header) and writes the
/// body into an async-only stream, like Kestrel's.
/// </summary>
public sealed class FeedClient(ODataFeedService service, string root = FeedClient.DefaultRoot)
{
    public const string DefaultRoot = "http://localhost/odata/";

    public Uri Root { get; } = new(root);

    /// <summary>GET <paramref name="relative"/> (e.g. <c>Population?$top=5</c>) under the root.</summary>
    public Task<FeedResponse> GetAsync(Principal principal, string relative, string? prefer = null, int? pageSize = null) =>
        GetAbsoluteAsync(principal, new Uri(Root.AbsoluteUri + relative), prefer, pageSize);

    public async Task<FeedResponse> GetAbsoluteAsync(Principal principal, Uri uri, string? prefer = null, int? pageSize = null, string? ifNoneMatch = null)
    {
        await using var result = await service.HandleAsync(new FeedRequest(principal, Root, uri, prefer, pageSize, ifNoneMatch), CancellationToken.None);
        await using var stream = new AsyncOnlyStream();
        await result.WriteBodyAsync(stream, CancellationToken.None);
        return new FeedResponse(result.StatusCode, result.Headers, stream.ToArray(), result.Outcome);
    }

    /// <summary>Follows nextLinks from <paramref name="relative"/> to the end; every page must answer 200.</summary>
    public async Task<List<FeedResponse>> GetAllPagesAsync(Principal principal, string relative, string? prefer = null, int? pageSize = null, Action<int>? beforePage = null)
    {
        var pages = new List<FeedResponse>();
        var uri = new Uri(Root.AbsoluteUri + relative);
        while (true)
        {
            beforePage?.Invoke(pages.Count);
            var page = await GetAbsoluteAsync(principal, uri, prefer, pageSize);
            if (page.Status != 200) throw new InvalidOperationException($"Page {pages.Count + 1} answered {page.Status}: {page.Body}");
            pages.Add(page);
            if (page.NextLink() is not { } next) return pages;
            if (pages.Count > 10_000) throw new InvalidOperationException("Paging does not end.");
            uri = new Uri(next);
        }
    }
}
