using DataHub.Catalog.Datasets;

namespace DataHub.Host.Freshness;

/// <summary>
/// One freshness transition, as the webhook receives it (JSON, camelCase). Carries catalog facts
/// only (dataset name, title, cycle, times), never a row value.
/// </summary>
public sealed record FreshnessAlert(string Event, string Dataset, string Title, string UpdateCycle, DateTimeOffset? ConfirmedAt, DateTimeOffset DueAt, DateTimeOffset At, string Message)
{
    public const string StaleEvent = "dataset.stale";
    public const string FreshEvent = "dataset.fresh";

    public static FreshnessAlert From(DatasetFreshness f, DateTimeOffset at) => f.Stale
        ? new(StaleEvent, f.Dataset, f.Title, f.UpdateCycle, f.ConfirmedAt, f.DueAt, at,
            $"数据集“{f.Title}”已超出更新周期（{f.UpdateCycle}）：{(f.ConfirmedAt is null ? "尚未发布过" : "最近确认于 " + Beijing(f.ConfirmedAt.Value))}，应在 {Beijing(f.DueAt)} 前更新。请检查数据源是否按时导出、定时作业是否失败。")
        : new(FreshEvent, f.Dataset, f.Title, f.UpdateCycle, f.ConfirmedAt, f.DueAt, at,
            $"数据集“{f.Title}”已恢复按周期更新（{f.UpdateCycle}），最近确认于 {(f.ConfirmedAt is null ? "—" : Beijing(f.ConfirmedAt.Value))}。");

    private static string Beijing(DateTimeOffset at) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
