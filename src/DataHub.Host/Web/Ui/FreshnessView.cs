using DataHub.Catalog.Datasets;

namespace DataHub.Host.Web.Ui;

/// <summary>A dataset's freshness as the UI shows it, from the catalog's judgement (<see cref="DatasetCatalog.FreshnessAsync"/>).</summary>
internal sealed record FreshnessView(bool Published, bool Overdue, string Text)
{
    public const string StaleBadge = "已过期（超出更新周期）";

    /// <summary>The text for a dataset; <paramref name="judged"/> is null for the platform's own derived datasets.</summary>
    public static FreshnessView Of(DatasetFreshness? judged, DateTimeOffset now)
    {
        if (judged is null) return new FreshnessView(true, false, "平台派生的数据集，随各数据集的发布和检查自动更新。");
        if (judged.ConfirmedAt is not { } at)
        {
            return new FreshnessView(false, judged.Stale, judged.Stale
                ? $"{StaleBadge}：更新周期为{judged.UpdateCycle}，登记后一直没有发布任何版本。请检查数据源和定时作业。"
                : $"尚未发布任何版本；应在 {UiText.Time(judged.DueAt)} 前发布。");
        }
        var age = now - at;
        var ageText = age.TotalDays >= 1 ? $"{(int)age.TotalDays} 天" : age.TotalHours >= 1 ? $"{(int)age.TotalHours} 小时" : "不到 1 小时";
        var text = judged.Stale
            ? $"{StaleBadge}：更新周期为{judged.UpdateCycle}，最近一次确认数据在 {ageText}前（{UiText.Time(at)}），应在 {UiText.Time(judged.DueAt)} 前更新。请检查数据源是否按时导出。"
            : $"正常：更新周期为{judged.UpdateCycle}，最近一次确认数据在 {ageText}前（{UiText.Time(at)}），下次应在 {UiText.Time(judged.DueAt)} 前更新。";
        return new FreshnessView(true, judged.Stale, text);
    }
}
