using DataHub.Core.Access;
using DataHub.Host.Composition;
using DataHub.Host.Web.Auth;

namespace DataHub.Host.Web;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: at least one dataset has a
/// published version, so feeds have something to serve (503 until then). Anyone (a load balancer)
/// learns only ready or not; which datasets, versions and row counts are there is told only to an
/// authenticated steward or operator.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly byte[] Live = """{"status":"live"}"""u8.ToArray();

    /// <summary>
    /// <c>/health/live</c> answered first, before compression, authentication and routing: the
    /// cheapest answer the node can give, so a liveness probe stays prompt while feeds keep the CPU busy.
    /// </summary>
    public static void UseLiveFirst(this IApplicationBuilder app) => app.Use(static (http, next) =>
        http.Request.Path.Equals("/health/live", StringComparison.Ordinal) && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            ? AnswerLiveAsync(http)
            : next(http));

    private static Task AnswerLiveAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = Live.Length;
        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : http.Response.Body.WriteAsync(Live, http.RequestAborted).AsTask();
    }

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/ready", async (HttpContext http, DataHubEngine engine, CancellationToken ct) =>
        {
            var current = await engine.Catalog.Datasets.CurrentVersionsAsync(ct);
            var status = current.Count > 0 ? "ready" : "starting";
            var code = current.Count > 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            if (DataHubClaims.FromClaims(http.User) is not { Role: Role.Steward or Role.Operator })
                return Results.Json(new { status }, statusCode: code);
            var body = new
            {
                status,
                datasets = current.Select(v => new { dataset = v.Dataset, version = v.Version, rows = v.RowCount, publishedAt = v.PublishedAt }),
            };
            return Results.Json(body, statusCode: code);
        });
    }
}
