using DataHub.Host.Composition;

namespace DataHub.Host.Web;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: at least one dataset has a
/// published version, so feeds have something to serve (503 until then).
/// </summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/health/ready", async (DataHubEngine engine, CancellationToken ct) =>
        {
            var current = await engine.Catalog.Datasets.CurrentVersionsAsync(ct);
            var body = new
            {
                status = current.Count > 0 ? "ready" : "starting",
                datasets = current.Select(v => new { dataset = v.Dataset, version = v.Version, rows = v.RowCount, publishedAt = v.PublishedAt }),
            };
            return Results.Json(body, statusCode: current.Count > 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
