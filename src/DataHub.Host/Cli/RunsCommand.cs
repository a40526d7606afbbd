using System.Text.Json;
using DataHub.Host.Jobs;
using DataHub.Pipelines.Ingestion;
using Hangfire;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub runs start SOURCE</c>: queues a run in the job storage (the serve processes run it,
/// one per dataset at a time); <c>datahub runs list</c>: the recent run history.
/// </summary>
internal static class RunsCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var sub = args.Positional.Count > 0 ? args.Positional[0] : throw ParsedArgs.Usage("runs 需要子命令：start 或 list");
        switch (sub)
        {
            case "start":
            {
                args.RejectUnknown();
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
                var dataset = args.Option("dataset");
                var json = args.Flag("json");
                args.RejectUnknown();
                var engine = await target.OpenAsync(cancellationToken);
                var runs = await engine.Catalog.Runs.RecentAsync(dataset, 20, cancellationToken);
                if (json)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(runs.Select(r => new
                    {
                        r.Id, r.SourceId, r.Dataset, r.Status, r.FailureKind, r.ErrorCode, r.StartedAt, r.FinishedAt, r.RowsRead, r.Version, r.Node,
                    }), RunReport.Json));
                    return CommandLine.Ok;
                }
                foreach (var r in runs)
                    await stdout.WriteLineAsync($"{r.Id}  {r.SourceId,-24} {r.Status,-9} {r.FailureKind ?? "",-11} {r.ErrorCode ?? "",-22} 读取 {r.RowsRead?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} 行  {(r.Version is { } v ? "v" + v : "")}");
                return CommandLine.Ok;
            }
            default:
                throw ParsedArgs.Usage($"runs 没有子命令“{sub}”（可用：start、list）");
        }
    }
}
