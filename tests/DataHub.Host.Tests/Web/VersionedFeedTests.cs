using DataHub.Host.Demo;
using DataHub.Host.Web;
using DataHub.Pipelines.Ingestion;
using DataHub.TestKit.OData;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>
/// Versions and rollback end to end: a retained version is readable at <c>/odata/v/{n}/</c> under the
/// same policies, through the strict Power Query–like client; a rollback makes it current again.
/// </summary>
public sealed class VersionedFeedTests
{
    private const string Maqun = "320113002"; // 马群街道: the street worker's scope

    private static int Within(DataHub.Simulators.Population.PopulationExportManifest m) =>
        m.AcceptedByCommunity.Where(kv => kv.Key.StartsWith(Maqun, StringComparison.Ordinal)).Sum(kv => kv.Value);

    [Fact]
    public async Task OldVersion_ReadThroughVersionRoot_ThenRolledBack_IsWhatTheFeedServes()
    {
        await using var fx = new HostFixture();
        var engine = await fx.OpenEngineAsync();
        var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);
        var (source, first) = await DemoSetup.PrepareAsync(engine, rows: 1500, seed: 5, default);
        Assert.Equal(1, (await engine.Runner.RunAsync(source, default)).Version);
        var (_, second) = await DemoSetup.PrepareAsync(engine, rows: 1200, seed: 6, default);
        Assert.Equal(2, (await engine.Runner.RunAsync(source, new RunRequest { Force = true }, default)).Version);
        await DataHub.Host.Demo.DemoOpenList.EnsureAsync(engine.Catalog, default);
        await using var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 50 });
        await app.StartAsync();
        var served = app.Services.GetRequiredService<CatalogServedDatasets>();
        await served.RefreshAsync(default);
        var root = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(app) + "/odata/");
        var v1Root = new Uri(root, "v/1/");
        var worker = credentials.Single(c => c.Name == "maqun-street");
        var client = new StrictODataClient(new HttpClient(), new StrictODataClientOptions { UserName = worker.Name, Password = worker.Password, PreferMaxPageSize = 7 });

        Assert.Contains("Population", (await client.GetServiceDocumentAsync(v1Root)).EntitySetNames);
        var model = await client.GetMetadataAsync(v1Root);
        var old = await client.ReadFeedAsync(new Uri(v1Root, "Population?$count=true"), model);
        var now = await client.ReadFeedAsync(new Uri(root, "Population?$count=true"), await client.GetMetadataAsync(root));

        Assert.Equal(Within(first), old.Rows.Count);
        Assert.Equal(Within(first), old.Count);
        Assert.True(old.PageCount > 1, $"the old version should page, and its nextLinks stay on /v/1/ ({old.Rows.Count} rows, {old.PageCount} pages)");
        Assert.All(old.Rows, r => Assert.StartsWith(Maqun, (string)r["社区代码"]!));
        Assert.Equal(Within(second), now.Rows.Count);
        Assert.Equal(Within(first), await client.GetCountAsync(new Uri(v1Root, "Population")));
        Assert.Equal(404, (int)(await client.GetErrorAsync(new Uri(root, "v/9/Population"))).StatusCode);

        // Quality per version and community, as an entity set under the same scope: the worker sees its street only.
        var quality = await client.ReadFeedAsync(new Uri(root, "Quality?$filter=" + Uri.EscapeDataString("指标 eq 'rows' and 数据集 eq 'population'")), await client.GetMetadataAsync(root));
        Assert.NotEmpty(quality.Rows);
        Assert.All(quality.Rows, r => Assert.StartsWith(Maqun, (string)r["社区代码"]!));
        Assert.Equal(Within(first), quality.Rows.Where(r => Convert.ToInt64(r["数据集版本"], System.Globalization.CultureInfo.InvariantCulture) == 1).Sum(r => Convert.ToInt64(r["分子"], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(Within(second), quality.Rows.Where(r => Convert.ToInt64(r["数据集版本"], System.Globalization.CultureInfo.InvariantCulture) == 2).Sum(r => Convert.ToInt64(r["分子"], System.Globalization.CultureInfo.InvariantCulture)));

        await engine.Runner.RollbackAsync("population", 1, "steward", default);
        await served.RefreshAsync(default);

        Assert.Equal(Within(first), await client.GetCountAsync(new Uri(root, "Population")));
    }
}
