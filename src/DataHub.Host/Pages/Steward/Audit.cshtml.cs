using System.Globalization;
using DataHub.Catalog.Audit;
using DataHub.Catalog.Changes;
using DataHub.Host.Composition;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages.Steward;

/// <summary>
/// The audit (stewards only): data requests filtered by principal, dataset, status and date, exported
/// as CSV (streamed by the catalog: UTF-8 with BOM, formula-safe cells); failed sign-ins aggregated
/// per user, address and minute; catalog changes (principals, grants) with who and when. Filters may
/// name people, so they travel in POST bodies, not URLs.
/// </summary>
public sealed class AuditModel : UiPage
{
    private const int Shown = 500;

    [BindProperty] public string? Principal { get; set; }
    [BindProperty] public string? Dataset { get; set; }
    [BindProperty] public string? Status { get; set; }
    [BindProperty] public string? From { get; set; }
    [BindProperty] public string? To { get; set; }

    internal IReadOnlyList<AccessRecord> Records { get; private set; } = [];

    internal IReadOnlyList<FailedLoginCount> FailedLogins { get; private set; } = [];

    internal IReadOnlyList<CatalogChange> Changes { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await SearchAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await SearchAsync(cancellationToken);
        if (Error is not null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync(CancellationToken cancellationToken)
    {
        var query = Query();
        if (query is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var engine = Service<DataHubEngine>();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{engine.Time.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
        await engine.Catalog.Access.WriteCsvAsync(query, Response.Body, cancellationToken);
        return new EmptyResult();
    }

    private async Task SearchAsync(CancellationToken cancellationToken)
    {
        var query = Query();
        if (query is null) return;
        var catalog = Service<DataHubEngine>().Catalog;
        Records = await catalog.Access.SearchAsync(query with { Limit = Shown }, cancellationToken);
        FailedLogins = await catalog.FailedLogins.SearchAsync(query.From, query.Principal, 200, cancellationToken);
        Changes = await catalog.Changes.SearchAsync(null, null, query.Principal, query.From, 200, cancellationToken);
    }

    /// <summary>The filters as a catalog query, or null with <see cref="Error"/> set (a zh-CN message saying how to fix it).</summary>
    private AccessQuery? Query()
    {
        DateTimeOffset? from = null, to = null;
        int? status = null;
        if (!string.IsNullOrWhiteSpace(From))
        {
            if (!DateOnly.TryParseExact(From, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) { Error = "开始日期格式不对，应为 2026-11-28 这样的日期。"; return null; }
            from = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        }
        if (!string.IsNullOrWhiteSpace(To))
        {
            if (!DateOnly.TryParseExact(To, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) { Error = "结束日期格式不对，应为 2026-11-28 这样的日期。"; return null; }
            to = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).AddDays(1);
        }
        if (from is not null && to is not null && from >= to) { Error = "开始日期晚于结束日期，请调换。"; return null; }
        if (!string.IsNullOrWhiteSpace(Status))
        {
            if (!int.TryParse(Status, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s is < 100 or > 599) { Error = "状态码应为 100 到 599 之间的数字，如 200、401、404。"; return null; }
            status = s;
        }
        return new AccessQuery(Principal?.Trim(), Dataset?.Trim(), status, from, to);
    }
}
