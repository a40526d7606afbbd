using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DataHub.Core.Access;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>
/// <c>/metrics</c> over real HTTP: after a run and a few feed requests the run, row, duration, feed
/// request, latency and rows-served series moved; only stewards and operators may read it.
/// Meters are process-wide and tests run in parallel, so the checks compare before and after and
/// ask for at least what this test did.
/// </summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task AfterARunAndFeedRequests_MetricsMoved_AndOnlyOperatorsReadThem()
    {
        await using var fx = new HostFixture();
        var engine = await fx.OpenEngineAsync();
        var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);
        var (source, _) = await DemoSetup.PrepareAsync(engine, rows: 400, seed: 3, default);
        await using var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 50 });
        await app.StartAsync();
        var baseUri = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(app) + "/");
        await engine.Catalog.Principals.UpsertAsync(new Principal("m-operator", "运维", Role.Operator, "320113"), "pw-m-operator-123456", null, default);
        using var op = Client(baseUri, "m-operator", "pw-m-operator-123456");
        var before = Parse(await op.GetStringAsync("metrics"));

        var report = await engine.Runner.RunAsync(source, default);
        Assert.True(report.Succeeded, report.Error);
        await DemoOpenList.EnsureAsync(engine.Catalog, default);
        await app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
        var worker = credentials.Single(c => c.Name == "maqun-street");
        using var feed = Client(baseUri, worker.Name, worker.Password);
        Assert.Equal(HttpStatusCode.OK, (await feed.GetAsync("odata/Population?$top=20")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await feed.GetAsync("odata/Population?$top=5")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await feed.GetAsync("odata/NoSuchSet")).StatusCode);
        using (var anonymous = new HttpClient { BaseAddress = baseUri })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("odata/Population")).StatusCode);

        var text = await op.GetStringAsync("metrics");
        var after = Parse(text);
        double Moved(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);

        Assert.True(Moved("datahub_runs_total{dataset=\"population\",outcome=\"succeeded\"}") >= 1, text);
        Assert.True(Moved("datahub_run_rows_total{dataset=\"population\",stage=\"read\"}") >= report.RowsRead);
        Assert.True(Moved("datahub_run_rows_total{dataset=\"population\",stage=\"accepted\"}") >= report.Accepted);
        Assert.True(Moved("datahub_run_rows_total{dataset=\"population\",stage=\"quarantined\"}") >= report.Quarantined);
        Assert.True(Moved("datahub_run_rows_total{dataset=\"population\",stage=\"duplicates\"}") >= report.Duplicates);
        Assert.True(Moved("datahub_run_duration_seconds_count{dataset=\"population\",outcome=\"succeeded\"}") >= 1, text);
        Assert.True(Moved("datahub_feed_requests_total{dataset=\"population\",endpoint=\"feed\",status=\"200\"}") >= 2, text);
        Assert.True(Moved("datahub_feed_requests_total{dataset=\"-\",endpoint=\"feed\",status=\"404\"}") >= 1, text);
        Assert.True(Moved("datahub_feed_requests_total{dataset=\"-\",endpoint=\"unknown\",status=\"401\"}") >= 1, text);
        Assert.True(Moved("datahub_feed_duration_seconds_count{endpoint=\"feed\"}") >= 3, text);
        Assert.True(Moved("datahub_feed_rows_total{dataset=\"population\"}") >= 25, text);
        // The 404's entity set name was typed by the caller: it never becomes a label.
        Assert.DoesNotContain("NoSuchSet", text);

        // Dataset names are in the series: not for anonymous callers or other roles.
        using (var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseUri })
        {
            var refused = await anonymous.GetAsync("metrics");
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
            Assert.DoesNotContain("population", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await feed.GetAsync("metrics")).StatusCode);
    }

    private static HttpClient Client(Uri baseUri, string user, string password)
    {
        var http = new HttpClient { BaseAddress = baseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http;
    }

    /// <summary>Prometheus text: series (name and labels, labels sorted) to value; comments and the scope labels OpenTelemetry adds are left out.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var space = line.LastIndexOf(' ');
            var key = line[..space];
            var brace = key.IndexOf('{', StringComparison.Ordinal);
            if (brace >= 0)
            {
                var labels = key[(brace + 1)..^1].Split("\",").Select(l => l.TrimEnd('"') + "\"")
                    .Where(l => !l.StartsWith("otel_", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
                key = key[..brace] + "{" + string.Join(",", labels) + "}";
            }
            series[key] = series.GetValueOrDefault(key) + double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return series;
    }
}
