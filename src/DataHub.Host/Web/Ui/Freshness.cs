namespace DataHub.Host.Web.Ui;

/// <summary>Is a dataset as fresh as its declared update cycle (更新周期) promises?</summary>
internal sealed record Freshness(bool Published, bool Overdue, string Text)
{
    public static Freshness Of(string updateCycle, DateTimeOffset? publishedAt, DateTimeOffset now)
    {
        if (publishedAt is not { } at) return new Freshness(false, true, "尚未发布任何版本");
        var interval = Interval(updateCycle);
        var age = now - at;
        var ageText = age.TotalDays >= 1 ? $"{(int)age.TotalDays} 天" : age.TotalHours >= 1 ? $"{(int)age.TotalHours} 小时" : "不到 1 小时";
        // A day of grace: a daily export that lands at 09:30 instead of 09:00 is not late.
        var overdue = age > interval + TimeSpan.FromDays(1);
        var text = overdue
            ? $"已逾期：更新周期为{updateCycle}，最近一次发布在 {ageText}前（{UiText.Time(at)}）。请检查数据源是否按时导出。"
            : $"正常：更新周期为{updateCycle}，最近一次发布在 {ageText}前（{UiText.Time(at)}）。";
        return new Freshness(true, overdue, text);
    }

    public static TimeSpan Interval(string updateCycle) => updateCycle switch
    {
        "实时" => TimeSpan.FromHours(1),
        "每日" => TimeSpan.FromDays(1),
        "每周" => TimeSpan.FromDays(7),
        "每月" => TimeSpan.FromDays(31),
        "每季度" => TimeSpan.FromDays(92),
        "每年" => TimeSpan.FromDays(366),
        _ => TimeSpan.FromDays(31),
    };
}
