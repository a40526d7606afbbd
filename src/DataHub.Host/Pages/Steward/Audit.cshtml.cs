using System.Globalization;
using DataHub.Catalog.Audit;
using DataHub.Host.Composition;
using DataHub.Host.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages.Steward;

/// <summary>
/// The audit log (stewards only): filter by principal, dataset, outcome and date; export what the
/// filter selects as CSV. Filters may name people, so they travel in POST bodies, not URLs.
/// </summary>
public sealed class AuditModel : UiPage
{
    private const int Scan = 20_000;
    private const int Shown = 500;

    [BindProperty] public string? Principal { get; set; }
    [BindProperty] public string? Dataset { get; set; }
    [BindProperty] public string? Outcome { get; set; }
    [BindProperty] public string? From { get; set; }
    [BindProperty] public string? To { get; set; }

    internal IReadOnlyList<AccessRecord> Records { get; private set; } = [];

    public int Matched { get; private set; }

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
        var matched = await FilterAsync(cancellationToken);
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Records = [];
            return Page();
        }
        var rows = new List<string> { CsvWriter.Row(["时间", "主体", "数据集", "版本", "方法", "路径与查询", "状态", "返回行数", "错误代码", "客户端"]) };
        rows.AddRange(matched.Select(a => CsvWriter.Row([
            UiText.Time(a.At), a.Principal, a.Dataset, a.Version?.ToString(CultureInfo.InvariantCulture), a.Method, a.Path,
            a.Status.ToString(CultureInfo.InvariantCulture), a.RowsReturned.ToString(CultureInfo.InvariantCulture), a.ErrorCode, a.Client])));
        var name = $"audit-{Service<DataHubEngine>().Time.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        return File(CsvWriter.Document(rows), "text/csv; charset=utf-8", name);
    }

    private async Task SearchAsync(CancellationToken cancellationToken)
    {
        var matched = await FilterAsync(cancellationToken);
        Matched = matched.Count;
        Records = matched.Take(Shown).ToList();
    }

    private async Task<IReadOnlyList<AccessRecord>> FilterAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? from = null, to = null;
        if (!string.IsNullOrWhiteSpace(From))
        {
            if (!DateOnly.TryParseExact(From, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) { Error = "开始日期格式不对，应为 2026-11-28 这样的日期。"; return []; }
            from = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        }
        if (!string.IsNullOrWhiteSpace(To))
        {
            if (!DateOnly.TryParseExact(To, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) { Error = "结束日期格式不对，应为 2026-11-28 这样的日期。"; return []; }
            to = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).AddDays(1);
        }
        if (from is not null && to is not null && from >= to) { Error = "开始日期晚于结束日期，请调换。"; return []; }
        var all = await Service<DataHubEngine>().Catalog.Access.RecentAsync(Scan, cancellationToken);
        return all.Where(a =>
                (string.IsNullOrWhiteSpace(Principal) || a.Principal.Contains(Principal.Trim(), StringComparison.OrdinalIgnoreCase))
                && (string.IsNullOrWhiteSpace(Dataset) || (a.Dataset ?? "").Contains(Dataset.Trim(), StringComparison.OrdinalIgnoreCase))
                && (Outcome switch { "ok" => a.Status < 400, "denied" => a.Status is 401 or 403 or 404 or 429, "error" => a.Status >= 400, _ => true })
                && (from is null || a.At >= from) && (to is null || a.At < to))
            .ToList();
    }
}
