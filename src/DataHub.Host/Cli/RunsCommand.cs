using System.Globalization;
using DataHub.Core.Failures;
using DataHub.Pipelines.Ingestion;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub runs list [DATASET]</c>, <c>datahub runs approve RUN</c>, <c>datahub runs reject RUN</c>:
/// the run history, and a steward's decision on a run a publish guard held.
/// </summary>
internal static class RunsCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var actor = args.Option("actor") ?? Environment.UserName;
        var json = args.Flag("json");
        var limit = args.IntOption("limit", 20, 1, 1000);
        args.RejectUnknown();
        var sub = args.Positional.Count > 0 ? args.Positional[0] : throw ParsedArgs.Usage("runs 需要子命令：list、approve RUN 或 reject RUN");
        var engine = await target.OpenAsync(cancellationToken);
        switch (sub)
        {
            case "list":
                foreach (var r in await engine.Catalog.Runs.RecentAsync(args.Positional.Count > 1 ? args.Positional[1] : null, limit, cancellationToken))
                {
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Id}  {r.Dataset,-12} {r.SourceId,-24} {r.Status,-10} 读取 {r.RowsRead?.ToString(CultureInfo.InvariantCulture) ?? "-"}  接收 {r.RowsAccepted?.ToString(CultureInfo.InvariantCulture) ?? "-"}  {(r.Version is { } v ? "v" + v.ToString(CultureInfo.InvariantCulture) : "")} {r.ErrorCode}"));
                }
                return CommandLine.Ok;
            case "approve" when args.Positional.Count == 2:
                var report = await engine.Runner.ApproveAsync(args.Positional[1], actor, cancellationToken);
                await stdout.WriteLineAsync(json ? report.ToJson() : $"已审核通过并发布：{report.ToText()}");
                return CommandLine.Ok;
            case "reject" when args.Positional.Count == 2:
                await engine.Runner.RejectAsync(args.Positional[1], actor, cancellationToken);
                await stdout.WriteLineAsync($"已驳回运行 {args.Positional[1]}：未发布，暂存的文件已删除。");
                return CommandLine.Ok;
            default:
                throw ParsedArgs.Usage("用法：datahub runs list [DATASET] | runs approve RUN | runs reject RUN");
        }
    }
}

/// <summary><c>datahub versions DATASET</c>: the versions of a dataset with their runs, rows and parts.</summary>
internal static class VersionsCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        args.RejectUnknown();
        if (args.Positional.Count != 1) throw ParsedArgs.Usage("versions 需要且只需要一个参数：数据集名（如 population）");
        var engine = await target.OpenAsync(cancellationToken);
        var dataset = args.Positional[0];
        var entry = await engine.Catalog.Datasets.GetAsync(dataset, cancellationToken)
            ?? throw new DataHubException(FailureKind.Config, "DATASET_UNKNOWN", $"目录中没有数据集“{dataset}”", dataset, "先用 datahub ingest 运行它的数据源");
        await stdout.WriteLineAsync($"数据集 {entry.Name}（{entry.Title}），当前版本 v{entry.CurrentVersion}");
        foreach (var v in await engine.Catalog.Datasets.VersionsAsync(dataset, cancellationToken))
        {
            var parts = await engine.Catalog.Datasets.PartsAsync(dataset, v.Version, cancellationToken);
            var state = v.Version == entry.CurrentVersion ? "当前" : v.RetiredAt is null ? "保留" : "已清理";
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  v{v.Version,-4} {state,-4} {v.PublishedAt:yyyy-MM-dd HH:mm}Z  {v.RowCount,9} 行  运行 {v.RunId}  {string.Join("，", parts.Select(p => $"{p.SourceId}: {p.RowCount} 行"))}"));
        }
        return CommandLine.Ok;
    }
}

/// <summary><c>datahub rollback DATASET VERSION</c>: make a retained version current again (one catalog transaction, audited).</summary>
internal static class RollbackCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var actor = args.Option("actor") ?? Environment.UserName;
        args.RejectUnknown();
        if (args.Positional.Count != 2 || !long.TryParse(args.Positional[1].TrimStart('v', 'V'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw ParsedArgs.Usage("用法：datahub rollback DATASET VERSION（如 datahub rollback population 3）");
        var engine = await target.OpenAsync(cancellationToken);
        await engine.Runner.RollbackAsync(args.Positional[0], version, actor, cancellationToken);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"数据集 {args.Positional[0]} 的当前版本已切换为 v{version}（已记入目录审计）。"));
        return CommandLine.Ok;
    }
}
