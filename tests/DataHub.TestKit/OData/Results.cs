using System.Net;

namespace DataHub.TestKit.OData;

/// <summary>One entry of the JSON service document.</summary>
/// <param name="Name">The <c>name</c> (entity set name).</param>
/// <param name="Url">The <c>url</c> as written (usually relative).</param>
/// <param name="AbsoluteUrl"><see cref="Url"/> resolved against the service root.</param>
/// <param name="Kind">The <c>kind</c>; <c>EntitySet</c> when absent.</param>
public sealed record ServiceDocumentEntry(string Name, string Url, Uri AbsoluteUrl, string Kind);

/// <summary>The service document read by <see cref="StrictODataClient.GetServiceDocumentAsync"/>.</summary>
/// <param name="ServiceRoot">The service root, ending in '/'.</param>
/// <param name="Context">The <c>@odata.context</c> (equal to <c>{root}$metadata</c>).</param>
/// <param name="Entries">All entries of <c>value</c>, in order.</param>
public sealed record ServiceDocument(Uri ServiceRoot, string Context, IReadOnlyList<ServiceDocumentEntry> Entries)
{
    /// <summary>The entries of kind EntitySet.</summary>
    public IReadOnlyList<ServiceDocumentEntry> EntitySets =>
        Entries.Where(e => e.Kind == "EntitySet").ToList();

    /// <summary>The entity set names, in order.</summary>
    public IReadOnlyList<string> EntitySetNames => EntitySets.Select(e => e.Name).ToList();
}

/// <summary>The result of <see cref="StrictODataClient.ReadFeedAsync"/>.</summary>
/// <param name="Rows">
/// Every row of every page, in order; each maps property name to value. Values are what
/// <c>ODataMessageReader</c> produced for the model type, except Edm.Date as <see cref="DateOnly"/> and
/// Edm.TimeOfDay as <see cref="TimeOnly"/> (so: string, int, long, double, decimal, bool, DateOnly,
/// DateTimeOffset, TimeOnly, ... or null).
/// </param>
/// <param name="PageCount">The number of pages read.</param>
/// <param name="Count">The <c>@odata.count</c> of the first page, if present.</param>
/// <param name="PageUrls">The URL of every page: the requested URL, then each nextLink.</param>
/// <param name="PageRowCounts">Rows on each page.</param>
/// <param name="ContentEncodings">The Content-Encoding of each page (null: uncompressed).</param>
public sealed record FeedReadResult(
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows,
    int PageCount,
    long? Count,
    IReadOnlyList<Uri> PageUrls,
    IReadOnlyList<int> PageRowCounts,
    IReadOnlyList<string?> ContentEncodings);

/// <summary>The result of <see cref="StrictODataClient.GetErrorAsync"/>.</summary>
/// <param name="StatusCode">The HTTP status (4xx or 5xx).</param>
/// <param name="Code">The <c>error.code</c>.</param>
/// <param name="Message">The <c>error.message</c>.</param>
/// <param name="Target">The <c>error.target</c>, if any.</param>
/// <param name="Body">The body text as received (decompressed).</param>
/// <param name="WwwAuthenticate">The <c>WWW-Authenticate</c> challenges (for 401), otherwise empty.</param>
public sealed record ODataErrorResult(
    HttpStatusCode StatusCode,
    string Code,
    string Message,
    string? Target,
    string Body,
    IReadOnlyList<string> WwwAuthenticate);
