using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Web;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub demo</c>: the simulated district 南京市栖霞区 (police database, health FHIR server,
/// enterprise REST API, housing workbook; see docs/SIMULATED-DISTRICT.md), every department
/// ingested, served on loopback, with the principals' credentials printed and written to
/// credentials.json. A folder that already holds the district keeps it (and its sources' cursors).
/// </summary>
internal static class DemoCommand
{
    /// <summary>The order the departments are ingested in: the register first, then what refers to it.</summary>
    private static readonly string[] Datasets = ["population", "housing", "enterprise", "health"];

    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var web = ServeCommand.WebOptionsFor(target, args);
        var rows = args.IntOption("rows", 20_000, 50, 5_000_000);
        var seed = args.IntOption("seed", 20261128, 0, int.MaxValue);

        var engine = await target.OpenAsync(cancellationToken);
        await stdout.WriteLineAsync($"生成模拟区县（南京市栖霞区：公安人口库 {rows} 行、卫健 FHIR、市场监管接口、住建 Excel，含典型数据问题）……");
        var (district, truth, sources) = await DistrictSetup.StartAsync(engine,
            DistrictSetup.Options(engine, DistrictSetup.DefaultDistrict, rows, seed), postgres: null, port: 0, reset: false, cancellationToken);
        await using (district)
        {
            var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, target.Data.CredentialsPath, cancellationToken);
            await using var app = DataHubWebApp.Create(engine, web);
            await app.StartAsync(cancellationToken);
            var baseUrl = ServeCommand.BoundAddress(app);

            await stdout.WriteLineAsync("入湖：校验、隔离、去重、发布……");
            var failed = false;
            // The derived datasets are rebuilt once, after the last department, not after each one.
            foreach (var dataset in Datasets.Where(sources.ContainsKey))
            {
                var report = await engine.Runner.RunAsync(sources[dataset], new Pipelines.Ingestion.RunRequest { DeferDerived = true }, cancellationToken);
                await stdout.WriteLineAsync(report.ToText());
                failed |= !report.Succeeded;
            }
            if (failed) return CommandLine.Failed;
            if (await engine.Runner.RebuildDerivedFromCurrentAsync("population", cancellationToken) is null)
                await stdout.WriteLineAsync("派生数据集未能重算，详情见日志；其余数据已发布。");
            // Judge freshness now rather than at the next interval: the Freshness set shows the departments just ingested.
            if (app.Services.GetService<Freshness.FreshnessMonitor>() is { } freshness) await freshness.CheckAsync(cancellationToken);
            await app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(cancellationToken);

            var grants = await DemoOpenList.EnsureAsync(engine.Catalog, cancellationToken);
            await stdout.WriteLineAsync("开放清单（datahub grants list 查看，grants approve/reject 处理申请）：");
            foreach (var g in grants) await stdout.WriteLineAsync(GrantsCommand.Describe(g, engine.Time.GetUtcNow()));
            await stdout.WriteLineAsync($"模拟区县的部门系统与真值文件：{new Simulators.District.DistrictPaths(target.Data.Root).Simulator}（第 {truth.Day} 天）");
            await stdout.WriteLineAsync(ServeCommand.Banner(baseUrl, target.Data, credentials, web.Jobs is not null));
            await app.WaitForShutdownAsync(cancellationToken);
        }
        return CommandLine.Ok;
    }
}
