using DataHub.Catalog.Audit;
using DataHub.Core.Access;
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
        services.AddHostedService<ServedDatasetsRefresher>();
        services.AddDataHubServing(o =>
        {
            o.PageSize = options.PageSize;
            o.MemoryLimit = options.DuckDbMemoryLimit;
            o.Threads = options.DuckDbThreads;
            o.ServerTiming = options.ServerTiming;
            o.Secret = Convert.ToHexStringLower(SecretFiles.LoadOrCreate(engine.Data.ServingSecretPath));
        });
        return services;
    }

    public static void MapFeeds(this WebApplication app)
    {
        app.MapGet("/odata", HandleAsync);
        app.MapGet("/odata/{**path}", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext http, ODataFeedService feeds, DataHubEngine engine, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        // UseAuthentication has run the DataHub scheme (Basic / API key for feeds); no cookie here.
        var principal = DataHubClaims.FromClaims(http.User);
        var path = AuditPath(http.Request);
        if (principal is null)
        {
            await AuditAsync(engine, "(未认证)", null, null, path, StatusCodes.Status401Unauthorized, 0, "UNAUTHORIZED", http);
            // The credentials handler answers 401 with the Basic challenge, or 429 when throttled.
            await http.ChallengeAsync(DataHubClaims.Scheme);
            return;
        }

        var root = new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/odata/");
        await using var result = await feeds.HandleAsync(new FeedRequest(principal, root, RequestUri(http.Request, root), http.Request.Headers["Prefer"].ToString(),
            IfNoneMatch: http.Request.Headers.IfNoneMatch.ToString()), ct);
        http.Response.StatusCode = result.StatusCode;
        foreach (var (name, value) in result.Headers) http.Response.Headers[name] = value;
        try
        {
            await result.WriteBodyAsync(http.Response.Body, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Part of a 200 page may be out already: abort, so the client sees a failure, not a short page.
            loggers.CreateLogger("DataHub.Feeds").LogError(e, "Writing a feed page failed");
            http.Features.Get<IHttpResponseBodyFeature>()?.Writer.CancelPendingFlush();
            http.Abort();
        }
        finally
        {
            var o = result.Outcome;
            if (o.Failure is not null) loggers.CreateLogger("DataHub.Feeds").LogWarning("Feed request failed: {Code} {Failure}", o.ErrorCode, o.Failure);
            await AuditAsync(engine, principal.Name, o.Dataset, o.Version, path, o.StatusCode, o.RowsReturned, o.ErrorCode, http);
        }
    }

    /// <summary>The request as the serving layer sees it: the API key removed, so it never reaches a nextLink.</summary>
    private static Uri RequestUri(HttpRequest request, Uri root)
    {
        var query = QueryWithoutApiKey(request);
        var path = request.Path.Value is "/odata" ? "/odata/" : request.Path.Value;
        return new Uri(UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, path, query));
    }

    private static QueryString QueryWithoutApiKey(HttpRequest request) => ApiKeyParameter.Strip(request);

    private static string AuditPath(HttpRequest request) => request.Path + QueryWithoutApiKey(request).ToUriComponent();

    private static Task AuditAsync(DataHubEngine engine, string principal, string? dataset, long? version, string path, int status, long rows, string? error, HttpContext http) =>
        engine.Catalog.Access.AppendAsync(new AccessRecord(engine.Time.GetUtcNow(), principal, dataset, version, http.Request.Method, path, status, rows, error,
            http.Request.Headers.UserAgent.ToString()), CancellationToken.None);
}
