using System.Globalization;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.OpenList;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Standards;
using DataHub.Host.Composition;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages.OpenList;

/// <summary>
/// The open list (开放清单), the one ledger of who may see which dataset. Stewards add entries and
/// approve, reject (with a reason) or revoke them; street and community workers request conditional
/// sharing for their own unit and follow their requests. Each entry shows its history (who, what,
/// when). Workers can request any dataset the catalog offers for sharing (not those marked
/// 不予共享); what they may already open is on "我的数据".
/// </summary>
public sealed class IndexModel : UiPage
{
    [BindProperty] public string? Dataset { get; set; }
    [BindProperty] public string? Level { get; set; }
    [BindProperty] public string? Units { get; set; }
    [BindProperty] public string? ShareType { get; set; }
    [BindProperty] public string? Conditions { get; set; }
    [BindProperty] public string? LegalBasis { get; set; }
    [BindProperty] public string? Fields { get; set; }
    [BindProperty] public bool AggregateOnly { get; set; }
    [BindProperty] public string? ValidUntil { get; set; }
    [BindProperty] public string? Purpose { get; set; }
    [BindProperty] public string? GrantId { get; set; }
    [BindProperty] public string? Reason { get; set; }

    internal IReadOnlyList<(Grant Grant, IReadOnlyList<GrantEvent> History)> Entries { get; private set; } = [];

    internal IReadOnlyList<DatasetEntry> Requestable { get; private set; } = [];

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    public DateTimeOffset Now => Service<DataHubEngine>().Time.GetUtcNow();

    private OpenListService Ledger => Service<DataHubEngine>().Catalog.OpenList;

    public bool CanRequest => Me.Role is Role.CommunityWorker or Role.StreetWorker or Role.Analyst or Role.Operator;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        RequireSteward();
        DivisionLevel? level = Level is { Length: > 0 } ? OpenListService.ParseLevel(Level) : null;
        var units = level is null ? SplitList(Units) ?? [] : [];
        var grant = await Ledger.AddAsync(new GrantSpec(Dataset ?? "", level, units, SplitList(Fields), AggregateOnly, ShareType ?? "",
            Conditions, LegalBasis, null, EndOfDay(ValidUntil, "有效期至")), Me, cancellationToken);
        Done = $"已添加开放条目 {grant.Id}：{grant.Dataset} → {grant.AudienceTitle}，立即生效。";
        Dataset = Level = Units = ShareType = Conditions = LegalBasis = Fields = ValidUntil = null;
        AggregateOnly = false;
    }, cancellationToken);

    public Task<IActionResult> OnPostRequestAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        if (!CanRequest) throw Invalid("数据管理员无需申请，可直接添加开放条目。", "使用上方“新增开放条目”。");
        if (Dataset is null || !(await RequestableAsync(cancellationToken)).Any(d => d.Name == Dataset))
            throw Invalid("请选择要申请的数据集。", "在“数据集”下拉框中选择一项。");
        var grant = await Ledger.RequestAsync(Dataset, Me, Purpose ?? "", SplitList(Fields), AggregateOnly, EndOfDay(ValidUntil, "希望使用至"), cancellationToken);
        Done = $"已提交申请 {grant.Id}，等待区数据管理员审批。";
        Dataset = Purpose = Fields = ValidUntil = null;
    }, cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        RequireSteward();
        var grant = await Ledger.ApproveAsync(GrantId ?? "", Me, Conditions ?? "", EndOfDay(ValidUntil, "有效期至"), cancellationToken);
        Done = $"已批准 {grant.Id}（{grant.Dataset} → {grant.AudienceTitle}）。";
    }, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        RequireSteward();
        var grant = await Ledger.RejectAsync(GrantId ?? "", Me, Reason ?? "", cancellationToken);
        Done = $"已驳回 {grant.Id}，申请人会看到理由。";
    }, cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        RequireSteward();
        var grant = await Ledger.RevokeAsync(GrantId ?? "", Me, Reason ?? "", cancellationToken);
        Done = $"已撤销 {grant.Id}：{grant.AudienceTitle} 对 {grant.Dataset} 的访问立即停止。";
    }, cancellationToken);

    private async Task<IActionResult> RunAsync(Func<Task> change, CancellationToken cancellationToken)
    {
        try
        {
            await change();
        }
        catch (DataHubException e)
        {
            Error = e.Fix is null ? e.UserMessage : $"{e.UserMessage} {e.Fix}";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private void RequireSteward()
    {
        if (!IsSteward) throw Invalid("只有数据管理员可以添加、批准、驳回或撤销开放条目。", "如需开放数据，请提交申请。");
    }

    /// <summary>A date typed as yyyy-MM-dd means "through that day" in Beijing time: the entry ends at the next midnight.</summary>
    private static DateTimeOffset? EndOfDay(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            throw Invalid($"“{what}”不是有效日期。", "按 2026-12-31 的格式填写，或留空表示长期有效。");
        return new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
    }

    private static List<string>? SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split([',', '，', '、', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static DataHubException Invalid(string message, string fix) => new(FailureKind.Config, "UI_INVALID", message, fix: fix);

    private async Task<IReadOnlyList<DatasetEntry>> RequestableAsync(CancellationToken cancellationToken) =>
        (await Service<DataHubEngine>().Catalog.Datasets.ListAsync(cancellationToken))
            .Where(d => IsSteward || d.Metadata.ShareType != ShareTypes.NotShared)
            .OrderBy(d => d.Title, StringComparer.Ordinal).ToList();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Requestable = await RequestableAsync(cancellationToken);
        var all = await Ledger.ListAsync(cancellationToken);
        // Stewards see their district's ledger; everyone else the entries they asked for or that cover their unit.
        var mine = IsSteward
            ? all.Where(g => DivisionCode.IsWithin(g.District, Me.ScopeCode) || DivisionCode.IsWithin(Me.ScopeCode, g.District))
            : all.Where(g => g.RequestedBy == Me.Name || (g.Status != GrantStatus.Pending && g.Covers(Me)));
        var entries = new List<(Grant, IReadOnlyList<GrantEvent>)>();
        foreach (var g in mine.Take(300)) entries.Add((g, await Ledger.HistoryAsync(g.Id, cancellationToken)));
        Entries = entries;
    }
}
