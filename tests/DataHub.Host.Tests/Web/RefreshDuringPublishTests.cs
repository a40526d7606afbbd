using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>
/// A refresh that spans a publish (EXCEL-ODATA.md rule 15): the pages after the publish keep
/// reading the version the first page read, so no row is lost or repeated.
/// </summary>
public sealed class RefreshDuringPublishTests
{
    [Fact]
    public async Task NextLinks_FollowedAcrossAPublish_ReturnTheFirstVersionExactlyOnce()
    {
        await using var fx = new HostFixture();
        var engine = await fx.OpenEngineAsync();
        var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);
        var (source, manifest) = await DemoSetup.PrepareAsync(engine, rows: 3000, seed: 5, default);
        Assert.True((await engine.Runner.RunAsync(source, default)).Succeeded);
        await using var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 250 });
        await app.StartAsync();
        var served = app.Services.GetRequiredService<CatalogServedDatasets>();
        await served.RefreshAsync(default);
        var steward = credentials.Single(c => c.Name == "steward");
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"steward:{steward.Password}")));

        var keys = new List<string>();
        var url = DataHub.Host.Cli.ServeCommand.BoundAddress(app) + "/odata/Population?$count=true&$select=记录编号";
        long? count = null;
        var page = 0;
        while (url is not null)
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri(url)));
            count ??= doc.RootElement.GetProperty("@odata.count").GetInt64();
            keys.AddRange(doc.RootElement.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("记录编号").GetString()!));
            url = doc.RootElement.TryGetProperty("@odata.nextLink", out var next) ? next.GetString() : null;
            if (++page == 2)
            {
                // A new export (another seed: other people) is published mid-refresh.
                await DemoSetup.PrepareAsync(engine, rows: 2000, seed: 6, default);
                // Fewer rows than before would be held by the publish guard: this test is about paging, so force it.
                Assert.Equal(2, (await engine.Runner.RunAsync(source, new DataHub.Pipelines.Ingestion.RunRequest { Force = true }, default)).Version);
                await served.RefreshAsync(default);
            }
        }

        Assert.True(page > 2);
        Assert.Equal(manifest.ExpectedAccepted, count);
        Assert.Equal(manifest.ExpectedAccepted, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }
}
