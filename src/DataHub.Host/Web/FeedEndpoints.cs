using DataHub.Catalog.Audit;
using DataHub.Host.Composition;
using DataHub.Host.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using DataHub.Serving;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;

namespace DataHub.Host.Web;

/// <summary>
/// <c>/odata/…</c>: authenticates the caller, hands the request to the serving layer, streams its
/// answer and writes the access log. The serving layer decides everything about the data.
/// </summary>
internal static partial class FeedEndpoints
{
    public static IServiceCollection AddFeeds(this IServiceCollection services, DataHubEngine engine, WebOptions options)
    {
        services.AddSingleton(new CatalogServedDatasets(engine.Catalog));
        services.AddSingleton<IServedDatasets>(sp => sp.GetRequiredService<CatalogServedDatasets>());
        services.AddSingleton(new CatalogDatasetGrants(engine.Catalog, engine.Time));
        services.AddSingleton<IDatasetGrants>(sp => sp.GetRequiredService<CatalogDatasetGrants>());
        services.AddHostedService<ServedDatasetsRefresher>();
        services.AddHostedService<AuditJournalService>();
        services.AddDataHubServing(o =>
        {
            o.PageSize = options.PageSize;
            o.MemoryLimit = options.DuckDbMemoryLimit;
            o.Threads = options.DuckDbThreads;
            o.ServerTiming = options.ServerTiming;
            o.MaxConcurrentRequests = options.MaxConcurrentFeedRequests;
            o.QueryWorkers = options.QueryWorkers;
            o.WorkerNice = options.DuckDbWorkerNice;
            o.MaxConcurrentDownloads = options.MaxConcurrentDownloads;
            o.DownloadTimeout = options.DownloadTimeout;
            o.Secret = Convert.ToHexStringLower(SecretFiles.LoadOrCreate(engine.Data.ServingSecretPath));
            // Under the data folder, not temp: copies hold personal data, and a killed node's are removed by the next start.
            o.SortedCopyDirectory ??= Path.Combine(engine.Data.Root, "cache", "sorted-copies");
        });
        return services;
    }

    public static void MapFeeds(this WebApplication app)
    {
        app.MapGet("/odata", HandleAsync);
        app.MapGet("/odata/{**path}", HandleAsync);
    }

    /// <summary>
    /// <c>/odata/v/{n}/…</c>: a retained version n, read under the same policies, with its own service
    /// root (so nextLinks stay on the version). Null for the current-version root.
    /// </summary>
    private static (long? Version, string Root) VersionRoot(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (!path.StartsWith("/odata/v/", StringComparison.Ordinal)) return (null, "/odata/");
        var rest = path["/odata/v/".Length..];
        var end = rest.IndexOf('/', StringComparison.Ordinal);
        var number = end < 0 ? rest : rest[..end];
        return long.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0
            ? (v, $"/odata/v/{number}/")
            : (null, "/odata/");
    }

    private static async Task HandleAsync(HttpContext http, ODataFeedService feeds, CatalogDatasetGrants grants, DataHubEngine engine, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        var started = engine.Time.GetTimestamp();
        // UseAuthentication has run the DataHub scheme (Basic / API key for feeds; never the cookie here).
        // A failed login is already throttled and recorded there, per user, address and minute.
        var principal = DataHubClaims.FromClaims(http.User);
        if (principal is null)
        {
            // The credentials handler answers 401 with the Basic challenge, or 429 when throttled.
            await http.ChallengeAsync(DataHubClaims.Scheme);
            FeedMetrics.Record(new FeedOutcome(FeedEndpoint.Unknown, http.Response.StatusCode, null, null, 0, null, null, null), engine.Time.GetElapsedTime(started));
            return;
        }

        await grants.EnsureFreshAsync(ct);
        var (version, rootPath) = VersionRoot(http.Request);
        var root = new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{rootPath}");
        await using var result = await feeds.HandleAsync(new FeedRequest(principal, root, RequestUri(http.Request, root), http.Request.Headers["Prefer"].ToString(),
            IfNoneMatch: http.Request.Headers.IfNoneMatch.ToString(), Version: version), ct);
        var log = loggers.CreateLogger("DataHub.Feeds");

        // The audit record is durable before the first byte of the answer leaves; without it, no answer.
        var first = result.Outcome;
        var auditStarted = engine.Time.GetTimestamp();
        var auditId = await FeedAudit.ReserveAsync(engine, principal.Name, first.Dataset, first.Version, result.StatusCode, http, log);
        if (auditId is null)
        {
            await FeedAudit.UnavailableAsync(http, ct);
            return;
        }
        var auditMs = engine.Time.GetElapsedTime(auditStarted).TotalMilliseconds;

        http.Response.StatusCode = result.StatusCode;
        foreach (var (name, value) in result.Headers)
        {
            // The serving layer's stages, with the host's own around them (the bench's breakdown).
            http.Response.Headers[name] = name == "Server-Timing"
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"auth;dur={CredentialsAuthenticationHandler.Elapsed(http):0.###}, {value}, audit;dur={auditMs:0.###}")
                : value;
        }
        // Known for everything but downloads; response compression drops it again when it compresses.
        if (result.BodyLength is { } length) http.Response.ContentLength = length;
        try
        {
            await result.WriteBodyAsync(http.Response.Body, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Part of a 200 page may be out already: abort, so the client sees a failure, not a short page.
            WebLog.PageWriteFailed(log, e);
            http.Features.Get<IHttpResponseBodyFeature>()?.Writer.CancelPendingFlush();
            http.Abort();
        }
        finally
        {
            var o = result.Outcome;
            if (o.Failure is not null) WebLog.FeedFailed(log, o.ErrorCode, o.Failure);
            var elapsed = engine.Time.GetElapsedTime(started);
            FeedMetrics.Record(o, elapsed);
            // Not awaited: the completion is queued for the journal at once, its write need not delay the end of the answer.
            _ = FeedAudit.CompleteAsync(engine, auditId, o.StatusCode, o.RowsReturned, o.ErrorCode, elapsed, log);
        }
    }

    /// <summary>The request as the serving layer sees it: the API key removed, so it never reaches a nextLink.</summary>
    private static Uri RequestUri(HttpRequest request, Uri root)
    {
        var query = QueryWithoutApiKey(request);
        var path = request.Path.Value is "/odata" ? "/odata/" : request.Path.Value;
        return new Uri(UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, path, query));
    }

    // One rule for every spelling of the key parameter, shared with authentication and the audit.
    private static QueryString QueryWithoutApiKey(HttpRequest request) => ApiKeyParameter.Strip(request);
}
