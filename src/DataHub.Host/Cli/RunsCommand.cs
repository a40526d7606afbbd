using System.Globalization;
using System.Text.Json;
using DataHub.Core.Failures;
using DataHub.Host.Jobs;
using DataHub.Pipelines.Ingestion;
using Hangfire;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub runs start SOURCE</c>: queues a run in the job storage (the serve processes run it, one
/// per dataset at a time); <c>runs list [DATASET]</c>: the recent run history; <c>runs approve RUN</c> /
/// <c>runs reject RUN</c>: a steward's decision on a run a publish guard held.
/// </summary>
internal static class RunsCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var sub = args.Positional.Count > 0 ? args.Positional[0] : throw ParsedArgs.Usage("runs 需要子命令：start、list、approve RUN 或 reject RUN");
        switch (sub)
        {
            case "start":
            {
                if (args.Positional.Count != 2) throw ParsedArgs.Usage("runs start 需要且只需要一个参数：数据源 id 或 .yaml 文件");
                var engine = await target.OpenAsync(cancellationToken);
                var sources = new SourceDirectory(engine.Data);
                var file = sources.Resolve(args.Positional[1]);
                var sourceId = DataHub.Pipelines.Sources.SourceDefinitionLoader.Load(file).Id;
                var storage = JobStorageFactory.Create(engine.Data, new JobsOptions { Postgres = target.Settings.Jobs.Postgres ?? target.EffectiveCatalogPostgres });
                var jobId = new BackgroundJobClient(storage).Enqueue<IngestionJob>(j => j.RunAsync(sourceId, CancellationToken.None));
                await stdout.WriteLineAsync($"已排队：数据源 {sourceId}（作业 {jobId}）。由运行中的 datahub serve 执行；同一数据集的运行依次进行。进度见作业面板 /hangfire。");
                return CommandLine.Ok;
            }
            case "list":
            {
                var dataset = args.Option("dataset") ?? (args.Positional.Count > 1 ? args.Positional[1] : null);
                var json = args.Flag("json");
                var limit = args.IntOption("limit", 20, 1, 1000);
                var engine = await target.OpenAsync(cancellationToken);
                var runs = await engine.Catalog.Runs.RecentAsync(dataset, limit, cancellationToken);
                if (json)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(runs.Select(r => new
                    {
                        r.Id, r.SourceId, r.Dataset, r.Status, r.FailureKind, r.ErrorCode, r.StartedAt, r.FinishedAt, r.RowsRead, r.RowsAccepted, r.Version, r.Node,
                    }), RunReport.Json));
                    return CommandLine.Ok;
                }
                foreach (var r in runs)
                {
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Id}  {r.Dataset,-12} {r.SourceId,-24} {r.Status,-10} {r.FailureKind ?? "",-11} {r.ErrorCode ?? "",-22} 读取 {r.RowsRead?.ToString(CultureInfo.InvariantCulture) ?? "-"}  接收 {r.RowsAccepted?.ToString(CultureInfo.InvariantCulture) ?? "-"}  {(r.Version is { } v ? "v" + v.ToString(CultureInfo.InvariantCulture) : "")}"));
                }
                return CommandLine.Ok;
            }
            case "approve" or "reject":
            {
                var actor = args.Option("actor") ?? Environment.UserName;
                var json = args.Flag("json");
                if (args.Positional.Count != 2) throw ParsedArgs.Usage($"runs {sub} 需要且只需要一个参数：运行 id（见 datahub runs list）");
                var engine = await target.OpenAsync(cancellationToken);
                if (sub == "approve")
                {
                    var report = await engine.Runner.ApproveAsync(args.Positional[1], actor, cancellationToken);
                    await stdout.WriteLineAsync(json ? report.ToJson() : $"已审核通过并发布：{report.ToText()}");
                }
                else
                {
                    await engine.Runner.RejectAsync(args.Positional[1], actor, cancellationToken);
                    await stdout.WriteLineAsync($"已驳回运行 {args.Positional[1]}：未发布，暂存的文件已删除。");
                }
                return CommandLine.Ok;
            }
            default:
                throw ParsedArgs.Usage($"runs 没有子命令“{sub}”（可用：start、list、approve、reject）");
        }
    }
}

/// <summary><c>datahub versions DATASET</c>: the versions of a dataset with their runs, rows and parts.</summary>
internal static class VersionsCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
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
        if (args.Positional.Count != 2 || !long.TryParse(args.Positional[1].TrimStart('v', 'V'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw ParsedArgs.Usage("用法：datahub rollback DATASET VERSION（如 datahub rollback population 3）");
        var engine = await target.OpenAsync(cancellationToken);
        await engine.Runner.RollbackAsync(args.Positional[0], version, actor, cancellationToken);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"数据集 {args.Positional[0]} 的当前版本已切换为 v{version}（已记入目录审计）。"));
        return CommandLine.Ok;
    }
}
