using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DataHub.Catalog.Runs;
using DataHub.Core.Access;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Freshness;
using DataHub.Host.Web;
using DataHub.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace DataHub.Host.Tests.Freshness;

/// <summary>
/// A daily dataset under a fake clock: fresh after its publish, stale two days later (one alert: log
/// and a webhook to a real loopback receiver that fails first and is retried), visible as stale in
/// the Freshness entity set (only to a principal granted the dataset) and on the catalog pages, and
/// fresh again (one more alert) after a run confirms the unchanged export.
/// </summary>
public sealed class FreshnessAlertTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("freshness");
    private readonly FakeTime _time = new();
    private WebhookReceiver _receiver = null!;
    private DataHubEngine _engine = null!;
    private WebApplication _app = null!;
    private Uri _base = null!;
    private string _sourceFile = "";

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        _engine = await DataHubEngine.OpenAsync(new DataDirectory(_dir.Path), _time, NullLoggerFactory.Instance, default);
        (_sourceFile, _) = await DemoSetup.PrepareAsync(_engine, 300, seed: 5, default);
        var report = await _engine.Runner.RunAsync(_sourceFile, default);
        Assert.True(report.Succeeded, report.Error);
        await DemoPrincipals.EnsureAsync(_engine.Catalog, _engine.Data.CredentialsPath, default);
        await DemoOpenList.EnsureAsync(_engine.Catalog, default);
        _app = DataHubWebApp.Create(_engine, new WebOptions
        {
            Urls = "http://127.0.0.1:0",
            Freshness = new FreshnessOptions { CheckInterval = TimeSpan.FromHours(1), WebhookUrl = _receiver.Url.AbsoluteUri, WebhookRetryDelay = TimeSpan.FromMilliseconds(200) },
        });
        await _app.StartAsync();
        _base = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(_app) + "/");
    }

    [Fact]
    public async Task StaleTransition_AlertsOnce_ShowsInFreshnessSetAndUi_AndFreshAgainAfterConfirmation()
    {
        var monitor = _app.Services.GetRequiredService<FreshnessMonitor>();
        Assert.Empty(await monitor.CheckAsync(default));
        var worker = await ClientAsync(Role.CommunityWorker, CommunityCode());
        var analyst = await ClientAsync(Role.Analyst, "320113");
        Assert.False(await PopulationStaleAsync(worker));

        _time.Advance(TimeSpan.FromHours(47));
        Assert.Empty(await monitor.CheckAsync(default));
        _time.Advance(TimeSpan.FromHours(2));
        var alert = Assert.Single(await monitor.CheckAsync(default));
        Assert.Equal((FreshnessAlert.StaleEvent, "population"), (alert.Event, alert.Dataset));
        Assert.Empty(await monitor.CheckAsync(default));

        // The webhook: the first POST got 503, the retry delivered it; nothing else was sent.
        var delivered = await _receiver.WaitForDeliveredAsync(1, TimeSpan.FromSeconds(30));
        var body = Assert.Single(delivered);
        Assert.Equal("dataset.stale", body.GetProperty("event").GetString());
        Assert.Equal("population", body.GetProperty("dataset").GetString());
        Assert.Equal("每日", body.GetProperty("updateCycle").GetString());
        Assert.Contains("已超出更新周期", body.GetProperty("message").GetString());
        Assert.Equal([503, 204], _receiver.Requests.Select(r => r.Status));

        // OData: the granted worker sees population stale; the analyst (not granted population) sees the set but not its row.
        Assert.True(await PopulationStaleAsync(worker));
        var analystRows = await FreshnessRowsAsync(analyst);
        Assert.DoesNotContain(analystRows, r => r.GetProperty("数据集").GetString() == "population");
        Assert.DoesNotContain("population", await analyst.GetStringAsync("odata/Freshness?$apply=groupby((数据集))"));
        Assert.Equal("0", await analyst.GetStringAsync("odata/Freshness/$count?$filter=" + Uri.EscapeDataString("数据集 eq 'population'")));
        var populationKey = (await FreshnessRowsAsync(worker)).Single(r => r.GetProperty("数据集").GetString() == "population").GetProperty("记录编号").GetString();
        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync($"odata/Freshness('{populationKey}')")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"odata/Freshness('{populationKey}')")).StatusCode);
        Assert.Contains("population", await worker.GetStringAsync("odata/Freshness?$format=csv"));
        Assert.DoesNotContain("population", await analyst.GetStringAsync("odata/Freshness?$format=csv"));

        // UI: the badge on the catalog home and the dataset page.
        Assert.Contains("已过期（超出更新周期）", await PageAsync(worker, ""));
        Assert.Contains("已过期（超出更新周期）", await PageAsync(worker, "datasets/population"));

        // The scheduled run finds the export unchanged: that confirms the data; one "fresh" alert.
        var again = await _engine.Runner.RunAsync(_sourceFile, default);
        Assert.Equal(RunStatus.Unchanged, (await _engine.Catalog.Runs.GetAsync(again.RunId, default))!.Status);
        var recovered = Assert.Single(await monitor.CheckAsync(default));
        Assert.Equal(FreshnessAlert.FreshEvent, recovered.Event);
        Assert.Equal(2, (await _receiver.WaitForDeliveredAsync(2, TimeSpan.FromSeconds(30))).Count);
        Assert.False(await PopulationStaleAsync(worker));
        Assert.DoesNotContain("已过期（超出更新周期）", await PageAsync(worker, ""));
    }

    /// <summary>A catalog page as text (Razor writes Chinese as character references).</summary>
    private static async Task<string> PageAsync(HttpClient client, string path) => WebUtility.HtmlDecode(await client.GetStringAsync(path));

    private string CommunityCode() =>
        _engine.Catalog.Divisions.CommunitiesWithin(DemoSetup.District).First(c => string.CompareOrdinal(c.Code.Substring(6, 3), "400") < 0).Code;

    private async Task<bool> PopulationStaleAsync(HttpClient client) =>
        (await FreshnessRowsAsync(client)).Single(r => r.GetProperty("数据集").GetString() == "population").GetProperty("是否过期").GetBoolean();

    private static async Task<IReadOnlyList<JsonElement>> FreshnessRowsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("odata/Freshness");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("value").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private async Task<HttpClient> ClientAsync(Role role, string scope)
    {
        var name = "f-" + role.ToString().ToLowerInvariant();
        await _engine.Catalog.Principals.UpsertAsync(new Principal(name, name, role, scope), "pw-" + name + "-123456", null, default);
        var http = new HttpClient { BaseAddress = _base };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:pw-{name}-123456")));
        return http;
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
