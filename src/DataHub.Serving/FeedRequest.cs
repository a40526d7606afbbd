using DataHub.Core.Access;

namespace DataHub.Serving;

/// <summary>
/// One GET request as the host hands it over, already authenticated.
/// </summary>
/// <param name="ServiceRoot">Absolute service root as the client sees it (forwarded headers applied), e.g. <c>https://data.example/odata/</c>; context URLs and nextLinks are built from it.</param>
/// <param name="RequestUri">Absolute request URI, under <paramref name="ServiceRoot"/>, with its query string as sent.</param>
/// <param name="Prefer">The <c>Prefer</c> header value, if any (<c>odata.maxpagesize=N</c> is honoured).</param>
/// <param name="PageSize">A page size for this request instead of <see cref="ServingOptions.PageSize"/> (capped by <see cref="ServingOptions.MaxPageSize"/>); a client's <c>odata.maxpagesize</c> still wins.</param>
/// <param name="IfNoneMatch">The <c>If-None-Match</c> header, if any: <c>$metadata</c> answers 304 when it names the current ETag.</param>
/// <param name="Version">
/// A retained version to read instead of the current one (the host's <c>/odata/v/{n}/</c> roots):
/// every entity set, the service document and <c>$metadata</c> answer from version n of each
/// dataset, under the same policies; a dataset without that version is not there (404).
/// </param>
public sealed record FeedRequest(Principal Principal, Uri ServiceRoot, Uri RequestUri, string? Prefer = null, int? PageSize = null, string? IfNoneMatch = null, long? Version = null);
