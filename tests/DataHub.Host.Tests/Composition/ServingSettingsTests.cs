using DataHub.Core.Failures;
using DataHub.Host.Composition;
using DataHub.Host.Web;
using DataHub.Serving;
using DataHub.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace DataHub.Host.Tests.Composition;

/// <summary>
/// The serving limits an operator sets in appsettings.json (or DATAHUB__Serving__…) reach the serving
/// layer: the settings bind them, the web host passes them to <see cref="ServingOptions"/>.
/// </summary>
public sealed class ServingSettingsTests
{
    [Fact]
    public void ServingLimits_FromAppSettings_AreBound()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, DataHubSettings.FileName), """
            { "Serving": { "MaxConcurrentFeedRequests": 12, "QueryWorkers": 3, "MaxConcurrentDownloads": 5, "DownloadTimeout": "00:02:30", "DuckDbWorkerNice": 4 } }
            """);

        var settings = DataHubSettings.Load(dir.Path, new Dictionary<string, string?>());

        Assert.Equal(12, settings.Serving.MaxConcurrentFeedRequests);
        Assert.Equal(3, settings.Serving.QueryWorkers);
        Assert.Equal(5, settings.Serving.MaxConcurrentDownloads);
        Assert.Equal(TimeSpan.FromSeconds(150), settings.Serving.DownloadTimeout);
        Assert.Equal(4, settings.Serving.DuckDbWorkerNice);
    }

    [Fact]
    public void ServingLimits_Defaults_MatchTheServingLayer()
    {
        using var dir = new TempDirectory();
        var settings = DataHubSettings.Load(dir.Path, new Dictionary<string, string?>());
        var serving = new ServingOptions();

        Assert.Equal(serving.MaxConcurrentRequests, settings.Serving.MaxConcurrentFeedRequests);
        Assert.Equal(serving.QueryWorkers, settings.Serving.QueryWorkers);
        Assert.Equal(serving.MaxConcurrentDownloads, settings.Serving.MaxConcurrentDownloads);
        Assert.Equal(serving.DownloadTimeout, settings.Serving.DownloadTimeout);
        Assert.Equal(serving.WorkerNice, settings.Serving.DuckDbWorkerNice);
    }

    [Theory]
    [InlineData("Serving:MaxConcurrentDownloads", "0")]
    [InlineData("Serving:MaxConcurrentDownloads", "17")]
    [InlineData("Serving:DownloadTimeout", "00:00:00")]
    [InlineData("Serving:QueryWorkers", "0")]
    [InlineData("Serving:MaxConcurrentFeedRequests", "0")]
    [InlineData("Serving:DuckDbWorkerNice", "-1")]
    [InlineData("Serving:DuckDbWorkerNice", "20")]
    public void ServingLimits_OutOfRange_AreAConfigErrorNamingTheKey(string key, string value)
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<DataHubException>(() => DataHubSettings.Load(dir.Path, new Dictionary<string, string?> { [key] = value }));
        Assert.Equal(FailureKind.Config, e.Kind);
        Assert.Contains(key, e.Where, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebOptions_DownloadLimits_ReachTheServingOptions()
    {
        await using var fx = new HostFixture();
        var engine = await fx.OpenEngineAsync();
        await using var app = DataHubWebApp.Create(engine, new WebOptions
        {
            Urls = "http://127.0.0.1:0", MaxConcurrentFeedRequests = 7, QueryWorkers = 2, MaxConcurrentDownloads = 3, DownloadTimeout = TimeSpan.FromMinutes(3), DuckDbWorkerNice = 2,
        });

        var options = app.Services.GetRequiredService<ServingOptions>();

        Assert.Equal(7, options.MaxConcurrentRequests);
        Assert.Equal(2, options.QueryWorkers);
        Assert.Equal(3, options.MaxConcurrentDownloads);
        Assert.Equal(TimeSpan.FromMinutes(3), options.DownloadTimeout);
        Assert.Equal(2, options.WorkerNice);
    }
}
