using DataHub.Host.Cli;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using DataHub.TestKit;
using DataHub.TestKit.OData;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>The bigger-deployment path: the same commands with the catalog on PostgreSQL.</summary>
public sealed class PostgresCatalogTests
{
    [Fact]
    public async Task IngestAndServe_WithPostgresCatalog_WorkLikeTheEmbeddedDefault()
    {
        await using var fx = new HostFixture();
        await using var schema = await PostgresSchema.CreateAsync();
        var engine = await DataHubEngine.OpenAsync(fx.Data, TimeProvider.System, NullLoggerFactory.Instance, default, schema.ConnectionString);
        var (source, manifest) = await DemoSetup.PrepareAsync(engine, rows: 1200, seed: 9, default);
        var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);

        var stdout = new StringWriter();
        var code = await CommandLine.RunAsync(["ingest", source, "--data", fx.Data.Root, "--catalog-postgres", schema.ConnectionString], stdout, new StringWriter(), default);

        Assert.Equal(CommandLine.Ok, code);
        Assert.False(File.Exists(fx.Data.CatalogPath), "no SQLite catalog should be created when PostgreSQL is configured");
        await using var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 100 });
        await app.StartAsync();
        await app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
        var steward = credentials.Single(c => c.Name == "steward");
        var client = new StrictODataClient(new HttpClient(), steward.Name, steward.Password);
        var root = new Uri(ServeCommand.BoundAddress(app) + "/odata/");
        var model = await client.GetMetadataAsync(root);

        var feed = await client.ReadFeedAsync(new Uri(root, "Population?$count=true"), model);

        Assert.Equal(manifest.ExpectedAccepted, feed.Rows.Count);
        Assert.Contains(await SettledAudit.RecentAsync(engine.Catalog.Access, 10), a => a.Principal == "steward");
    }
}
