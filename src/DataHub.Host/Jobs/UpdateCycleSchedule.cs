using DataHub.Core.Failures;
using DataHub.Pipelines.Sources;

namespace DataHub.Host.Jobs;

/// <summary>
/// When a declared source runs: the configuration's cron for it, else the source file's
/// <c>schedule:</c>, else the dataset's 更新周期. Runs fall at 02:00 Beijing time (after the
/// departments' nightly exports, before office hours); 实时 sources every 15 minutes.
/// </summary>
internal static class UpdateCycleSchedule
{
    public static string CronFor(SourceDefinition source, JobsOptions options)
    {
        return options.Schedules.TryGetValue(source.Id, out var configured) ? configured
            : source.Schedule ?? FromUpdateCycle(source.Catalog.UpdateCycle);
    }

    /// <summary>The zh-CN config error for a cron expression Hangfire refused.</summary>
    public static DataHubException Invalid(SourceDefinition source, string cron, JobsOptions options) =>
        new(FailureKind.Config, "SCHEDULE_INVALID", $"数据源 {source.Id} 的运行时间“{cron}”不是有效的 cron 表达式",
            options.Schedules.ContainsKey(source.Id) ? $"配置 Jobs:Schedules:{source.Id}" : $"{source.FilePath} 的 schedule",
            "写 5 段 cron（分 时 日 月 周），例如每天 2 点：0 2 * * *");

    public static string FromUpdateCycle(string updateCycle) => updateCycle switch
    {
        "实时" => "*/15 * * * *",
        "每日" => "0 2 * * *",
        "每周" => "0 2 * * 1",
        "每月" => "0 2 1 * *",
        "每季度" => "0 2 1 1,4,7,10 *",
        "每年" => "0 2 1 1 *",
        _ => "0 2 * * *",
    };
}
