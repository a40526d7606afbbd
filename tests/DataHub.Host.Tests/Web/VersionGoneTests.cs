using System.Net;
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
/// A client resuming a refresh on a version whose folder is already gone (retired by this or another
/// node while this node's snapshot still lists it) is told to start over: 410, never a 500.
/// </summary>
public sealed class VersionGoneTests
{
    [Fact]
    public async Task NextLink_OnVersionWhoseFolderWasDeleted_Answers410()
    {
        await using var fx = new HostFixture();
        var engine = await fx.OpenEngineAsync();
        var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);
        var (source, _) = await DemoSetup.PrepareAsync(engine, rows: 1500, seed: 5, default);
        var first = await engine.Runner.RunAsync(source, default);
        await using var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 100 });
        await app.StartAsync();
        await app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
        var steward = credentials.Single(c => c.Name == "steward");
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"steward:{steward.Password}")));

        using var page1 = JsonDocument.Parse(await http.GetStringAsync(new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(app) + "/odata/Population")));
        var next = page1.RootElement.GetProperty("@odata.nextLink").GetString()!;
        Directory.Delete(engine.Runner.Lake.VersionDirectory("population", first.Version!.Value), recursive: true);

        using var page2 = await http.GetAsync(new Uri(next));
        Assert.Equal(HttpStatusCode.Gone, page2.StatusCode);
        Assert.Contains("VERSION_GONE", await page2.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
