using System.Text.Json;
using DataHub.Catalog.Audit;
using DataHub.Host.Composition;
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
    public const string Realm = "DataHub";

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IServiceCollection AddFeeds(this IServiceCollection services, DataHubEngine engine, WebOptions options)
    {
        services.AddSingleton(new CatalogServedDatasets(engine.Catalog));
        services.AddSingleton<IServedDatasets>(sp => sp.GetRequiredService<CatalogServedDatasets>());
        services.AddSingleton(engine.Catalog);
        services.AddSingleton(new CatalogDatasetGrants(engine.Catalog, engine.Time));
        services.AddSingleton<IDatasetGrants>(sp => sp.GetRequiredService<CatalogDatasetGrants>());
        services.AddHostedService<ServedDatasetsRefresher>();
        services.AddDataHubServing(o =>
        {
            o.PageSize = options.PageSize;
            o.MemoryLimit = options.DuckDbMemoryLimit;
            o.Threads = options.DuckDbThreads;
            o.Secret = Convert.ToHexStringLower(SecretFiles.LoadOrCreate(engine.Data.ServingSecretPath));
        });
        return services;
    }

    public static void MapFeeds(this WebApplication app)
    {
        app.MapGet("/odata", HandleAsync);
        app.MapGet("/odata/{**path}", HandleAsync);
    }

    private static async Task HandleAsync(HttpContext http, CredentialAuthenticator auth, ODataFeedService feeds, CatalogDatasetGrants grants,
        DataHubEngine engine, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        var started = engine.Time.GetTimestamp();
        var principal = await auth.AuthenticateAsync(http.Request, ct);
        if (principal is null)
        {
            // Failed logins are counted per user name, address and minute (not one row per guess);
            // a request without any credentials (Excel's first, anonymous probe) is no login attempt.
            if (FeedAudit.PresentedUser(http.Request) is { } user) await FeedAudit.FailedLoginAsync(engine, user, http);
            await ChallengeAsync(http, ct);
            return;
        }

        await grants.EnsureFreshAsync(ct);
        var root = new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/odata/");
        await using var result = await feeds.HandleAsync(new FeedRequest(principal, root, RequestUri(http.Request, root), http.Request.Headers["Prefer"].ToString()), ct);
        var log = loggers.CreateLogger("DataHub.Feeds");

        // The audit record is durable before the first byte of the answer leaves; without it, no answer.
        var first = result.Outcome;
        var auditId = await FeedAudit.ReserveAsync(engine, principal.Name, first.Dataset, first.Version, result.StatusCode, http, log);
        if (auditId is null)
        {
            await FeedAudit.UnavailableAsync(http, ct);
            return;
        }

        http.Response.StatusCode = result.StatusCode;
        foreach (var (name, value) in result.Headers) http.Response.Headers[name] = value;
        try
        {
            await result.WriteBodyAsync(http.Response.Body, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Part of a 200 page may be out already: abort, so the client sees a failure, not a short page.
            log.LogError(e, "Writing a feed page failed");
            http.Features.Get<IHttpResponseBodyFeature>()?.Writer.CancelPendingFlush();
            http.Abort();
        }
        finally
        {
            var o = result.Outcome;
            if (o.Failure is not null) log.LogWarning("Feed request failed: {Code} {Failure}", o.ErrorCode, o.Failure);
            await FeedAudit.CompleteAsync(engine, auditId, o.StatusCode, o.RowsReturned, o.ErrorCode, engine.Time.GetElapsedTime(started), log);
        }
    }

    private static async Task ChallengeAsync(HttpContext http, CancellationToken ct)
    {
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        http.Response.Headers["OData-Version"] = "4.0";
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            error = new
            {
                code = "UNAUTHORIZED",
                message = "需要登录：请在 Excel 中选择“基本”身份验证，输入用户名和密码（或任意用户名 + API 密钥作为密码）。",
            },
        };
        await http.Response.WriteAsync(JsonSerializer.Serialize(body, Json), ct);
    }

    /// <summary>The request as the serving layer sees it: the API key removed, so it never reaches a nextLink.</summary>
    private static Uri RequestUri(HttpRequest request, Uri root)
    {
        var query = QueryWithoutApiKey(request);
        var path = request.Path.Value is "/odata" ? "/odata/" : request.Path.Value;
        return new Uri(UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, path, query));
    }

    // One rule for every spelling of the key parameter (api_key, API_KEY, Api-Key…), shared with the audit.
    private static QueryString QueryWithoutApiKey(HttpRequest request) =>
        request.Query.Keys.Any(AuditRedaction.IsApiKeyName)
            ? QueryString.Create(request.Query.Where(q => !AuditRedaction.IsApiKeyName(q.Key)))
            : request.QueryString;
}
