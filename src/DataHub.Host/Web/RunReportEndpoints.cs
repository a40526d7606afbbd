using DataHub.Host.Composition;
using DataHub.Host.Web.Auth;

namespace DataHub.Host.Web;

/// <summary>
/// <c>/runs/{id}</c>: a run's catalog entry and full report (counts, reason codes, error, fix; no
/// row values), where the job dashboard links. Stewards and operators only.
/// </summary>
internal static class RunReportEndpoints
{
    public static void MapRunReports(this WebApplication app)
    {
        app.MapGet("/runs/{id}", async (string id, DataHubEngine engine, CancellationToken ct) =>
        {
            var run = await engine.Catalog.Runs.GetAsync(id, ct);
            if (run is null) return Results.NotFound(new { error = new { code = "RUN_NOT_FOUND", message = $"没有编号为 {id} 的运行" } });
            return Results.Text($$"""
                {"id":{{System.Text.Json.JsonSerializer.Serialize(run.Id)}},"sourceId":{{System.Text.Json.JsonSerializer.Serialize(run.SourceId)}},"status":{{System.Text.Json.JsonSerializer.Serialize(run.Status)}},"failureKind":{{System.Text.Json.JsonSerializer.Serialize(run.FailureKind)}},"node":{{System.Text.Json.JsonSerializer.Serialize(run.Node)}},"report":{{run.ReportJson ?? "null"}}}
                """, "application/json; charset=utf-8");
        }).RequireAuthorization(DataHubAuthentication.OperatorPolicy);
    }
}
