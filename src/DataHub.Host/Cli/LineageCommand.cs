using System.Globalization;
using System.Text.Json;
using DataHub.Pipelines.Ingestion;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub lineage DATASET [--json]</c>: each version of a derived dataset with the input dataset
/// versions (and the runs that published them) it was computed from; <c>datahub derive</c>: rebuilds
/// the derived datasets from the current inputs now (normally automatic after every publish).
/// </summary>
internal static class LineageCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var json = args.Flag("json");
        if (args.Positional.Count != 1) throw ParsedArgs.Usage("lineage 需要且只需要一个参数：数据集名（如 community_profile）");
        var engine = await target.OpenAsync(cancellationToken);
        var dataset = args.Positional[0];
        var lineage = await engine.Catalog.Datasets.LineageAsync(dataset, cancellationToken);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(lineage.Select(l => new
            {
                dataset = l.Dataset, version = l.Version, inputDataset = l.Input.Dataset, inputVersion = l.Input.Version, inputRunId = l.Input.RunId,
            }), RunReport.Json));
            return CommandLine.Ok;
        }
        if (lineage.Count == 0)
        {
            await stdout.WriteLineAsync($"数据集 {dataset} 没有血缘记录（它不是派生数据集，或尚未计算）。派生数据集：{string.Join("、", DataHub.Pipelines.Derived.DerivedDatasets.Names)}");
            return CommandLine.Ok;
        }
        foreach (var version in lineage.GroupBy(l => l.Version))
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{dataset} v{version.Key} 的输入："));
            foreach (var (_, _, input) in version)
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {input.Dataset,-12} v{input.Version,-4} 运行 {input.RunId}"));
        }
        return CommandLine.Ok;
    }

    public static async Task<int> DeriveAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var engine = await target.OpenAsync(cancellationToken);
        var rebuild = await engine.Runner.RebuildDerivedFromCurrentAsync("population", cancellationToken);
        if (rebuild is null)
        {
            await stdout.WriteLineAsync("派生数据集未能重算（实有人口尚未发布任何版本，或重算失败，详情见日志）；当前版本保持不变。");
            return CommandLine.Failed;
        }
        foreach (var (name, version) in rebuild.Published) await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"已发布 {name} v{version}"));
        foreach (var name in rebuild.Unchanged) await stdout.WriteLineAsync($"{name}：输入未变化，未发布新版本");
        return CommandLine.Ok;
    }
}
