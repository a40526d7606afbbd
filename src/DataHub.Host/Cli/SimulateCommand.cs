using System.Text;
using DataHub.Host.Demo;
using DataHub.Simulators.District;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub simulate</c>: the simulated district's department systems, running (REST API and
/// FHIR server on loopback, police database, Excel and CSV drops, one source definition per
/// department) until Ctrl+C. <c>datahub simulate advance</c> applies one day of changes to the
/// district in a data folder, whether or not its servers are running.
/// </summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var postgres = args.Option("postgres");
        if (args.Positional.FirstOrDefault() == "advance")
        {
            var day = await SimulatedDistrict.AdvanceAsync(new DistrictPaths(target.Data.Root), postgres, cancellationToken);
            await stdout.WriteLineAsync(DescribeChanges(day));
            return CommandLine.Ok;
        }
        if (args.Positional.Count > 0) throw ParsedArgs.Usage($"simulate 不认识“{args.Positional[0]}”，只有 simulate advance");
        var district = args.Option("district") ?? DistrictSetup.DefaultDistrict;
        var rows = args.IntOption("rows", 20_000, 50, 2_000_000);
        var seed = args.IntOption("seed", 20261128, 0, int.MaxValue);
        var port = args.IntOption("port", 0, 0, 65535);
        var reset = args.Flag("reset");

        var engine = await target.OpenAsync(cancellationToken);
        await stdout.WriteLineAsync($"生成模拟区县 {district}（公安 {rows} 行，种子 {seed}）……");
        var (server, truth, sources) = await DistrictSetup.StartAsync(engine, DistrictSetup.Options(engine, district, rows, seed), postgres, port, reset, cancellationToken);
        await using (server)
        {
            await stdout.WriteLineAsync(Banner(server, truth, sources, new DistrictPaths(target.Data.Root)));
            await server.WaitForShutdownAsync(cancellationToken);
        }
        return CommandLine.Ok;
    }

    private static string Banner(Simulators.District.Servers.DistrictServer server, DistrictTruth truth, IReadOnlyDictionary<string, string> sources, DistrictPaths paths)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"模拟区县 {truth.District} 已启动（第 {truth.Day} 天）");
        sb.AppendLine($"  市场监管企业接口：{server.EnterprisesUrl}（密钥见 {paths.ApiKey}）");
        sb.AppendLine($"  卫健 FHIR 服务器：{server.FhirBaseUrl}");
        sb.AppendLine($"  公安人口库：      {paths.PoliceDatabase}");
        sb.AppendLine($"  部门文件：        {paths.Drops}");
        sb.AppendLine($"  真值文件：        {paths.Truth}");
        sb.AppendLine("  数据源定义：");
        foreach (var (dataset, file) in sources.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var d = truth.Departments[dataset];
            sb.AppendLine($"    {file}（应得：读取 {d.Rows} = 接收 {d.Accepted} + 隔离 {d.Quarantined} + 重复 {d.Duplicates}）");
        }
        sb.AppendLine("  入湖：datahub ingest 数据源定义文件 --data 同一目录；推进一天：datahub simulate advance --data 同一目录");
        sb.AppendLine("  按 Ctrl+C 停止。");
        return sb.ToString();
    }

    private static string DescribeChanges(DistrictTruth truth)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"模拟区县 {truth.District} 推进到第 {truth.Day} 天：");
        foreach (var (dataset, c) in truth.Changes!)
            sb.AppendLine($"  {dataset}：新增 {c.Inserted.Count}，变更 {c.Updated.Count}，删除 {c.Deleted.Count}");
        sb.AppendLine("  已运行的增量数据源下次运行只会读到这些变化；真值文件已更新。");
        return sb.ToString();
    }
}
