using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Web;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub demo</c>: a simulated 公安 export for 南京市栖霞区, ingested, served on loopback,
/// with the principals' credentials printed and written to credentials.json.
/// </summary>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var web = new WebOptions { Urls = args.Option("urls") ?? new WebOptions().Urls };
        var rows = args.IntOption("rows", 20_000, 1, 5_000_000);
        var seed = args.IntOption("seed", 20261128, 0, int.MaxValue);
        args.RejectUnknown();

        var engine = await target.OpenAsync(cancellationToken);
        await stdout.WriteLineAsync($"生成模拟的公安实有人口导出（{rows} 行，含典型数据问题）……");
        var (sourceFile, _) = await DemoSetup.PrepareAsync(engine, rows, seed, cancellationToken);
        var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, target.Data.CredentialsPath, cancellationToken);

        await using var app = DataHubWebApp.Create(engine, web);
        await app.StartAsync(cancellationToken);
        var baseUrl = ServeCommand.BoundAddress(app);

        await stdout.WriteLineAsync("入湖：校验、隔离、去重、发布……");
        var report = await engine.Runner.RunAsync(sourceFile, cancellationToken);
        await stdout.WriteLineAsync(report.ToText());
        if (!report.Succeeded) return CommandLine.Failed;
        await app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(cancellationToken);
        var grants = await DemoOpenList.EnsureAsync(engine.Catalog, cancellationToken);
        await stdout.WriteLineAsync("开放清单（datahub grants list 查看，grants approve/reject 处理申请）：");
        foreach (var g in grants) await stdout.WriteLineAsync(GrantsCommand.Describe(g, engine.Time.GetUtcNow()));

        await stdout.WriteLineAsync(ServeCommand.Banner(baseUrl, target.Data, credentials));
        await app.WaitForShutdownAsync(cancellationToken);
        return CommandLine.Ok;
    }
}
