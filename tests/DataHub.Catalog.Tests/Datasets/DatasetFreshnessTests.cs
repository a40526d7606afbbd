using DataHub.Catalog.Datasets;
using DataHub.Catalog.Runs;
using DataHub.Core.Schema;
using Xunit;

namespace DataHub.Catalog.Tests.Datasets;

/// <summary>Staleness by 更新周期 under a fake clock, and one alert per transition, on both catalogs.</summary>
public abstract class DatasetFreshnessTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;
    private DataHubCatalog _catalog = null!;
    private static readonly DatasetSchema Population = SchemaLoader.Get("population");
    private static readonly DatasetMetadata Daily = new("320113-GA", "南京市公安局栖霞分局", "320113-GA-RK-0001", ShareTypes.Conditional, "按社区授权", "每日");

    protected DatasetFreshnessTests(CatalogFixture fx) => _fx = fx;

    public async Task InitializeAsync()
    {
        _catalog = await _fx.OpenAsync();
        await _catalog.Datasets.RegisterAsync(Population, SchemaLoader.RawText("population"), Daily, default);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Daily_IsFreshForTwoDaysAfterPublish_ThenStale_AndAnUnchangedRunConfirmsIt()
    {
        await PublishAsync(1, "run-1");
        var publishedAt = _fx.Time.GetUtcNow();

        _fx.Time.Advance(TimeSpan.FromHours(47));
        var fresh = Assert.Single(await _catalog.Datasets.FreshnessAsync(default));
        Assert.False(fresh.Stale);
        Assert.Equal(publishedAt, fresh.ConfirmedAt);
        Assert.Equal(publishedAt + TimeSpan.FromDays(2), fresh.DueAt);

        _fx.Time.Advance(TimeSpan.FromHours(1));
        Assert.True(Assert.Single(await _catalog.Datasets.FreshnessAsync(default)).Stale);

        // A run that finds the export unchanged confirms the data without a new version.
        await _catalog.Runs.StartAsync("run-2", "gongan-population", "population", default);
        await _catalog.Datasets.FinishUnchangedAsync("run-2", new RunCounts(100, 100, 0, 0), "{}", default);
        var confirmed = Assert.Single(await _catalog.Datasets.FreshnessAsync(default));
        Assert.False(confirmed.Stale);
        Assert.Equal(_fx.Time.GetUtcNow(), confirmed.ConfirmedAt);
    }

    [Fact]
    public async Task NeverPublished_CountsFromRegistration()
    {
        var f = Assert.Single(await _catalog.Datasets.FreshnessAsync(default));
        Assert.Null(f.ConfirmedAt);
        Assert.False(f.Stale);
        _fx.Time.Advance(TimeSpan.FromDays(3));
        Assert.True(Assert.Single(await _catalog.Datasets.FreshnessAsync(default)).Stale);
    }

    [Fact]
    public async Task RecordFreshness_IsTrueOncePerTransition_EvenFromTwoCatalogInstances()
    {
        var other = await _fx.OpenAsync();
        Assert.False(await _catalog.Datasets.RecordFreshnessAsync("population", stale: false, default));
        Assert.False(await other.Datasets.RecordFreshnessAsync("population", stale: false, default));

        Assert.True(await _catalog.Datasets.RecordFreshnessAsync("population", stale: true, default));
        Assert.False(await other.Datasets.RecordFreshnessAsync("population", stale: true, default));
        Assert.False(await _catalog.Datasets.RecordFreshnessAsync("population", stale: true, default));

        Assert.True(await other.Datasets.RecordFreshnessAsync("population", stale: false, default));
        Assert.False(await _catalog.Datasets.RecordFreshnessAsync("population", stale: false, default));

        // First seen already stale: that is a transition too.
        Assert.True(await _catalog.Datasets.RecordFreshnessAsync("housing", stale: true, default));
    }

    private async Task PublishAsync(long version, string runId)
    {
        await _catalog.Runs.StartAsync(runId, "gongan-population", "population", default);
        await _catalog.Datasets.PublishAsync(new PublishRequest(runId, "population", version, $"/lake/population/v{version}", ["part-0.parquet"], 100, "1.0.0",
            new RunCounts(100, 100, 0, 0), "{}", "gongan-population", null), default);
    }
}

public sealed class SqliteDatasetFreshnessTests() : DatasetFreshnessTests(new SqliteCatalogFixture());

public sealed class PostgresDatasetFreshnessTests() : DatasetFreshnessTests(new PostgresCatalogFixture());
