using DataHub.Catalog.Datasets;
using DataHub.Catalog.Runs;
using DataHub.Core.Schema;
using Xunit;

namespace DataHub.Catalog.Tests.Datasets;

public abstract class DatasetCatalogTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;

    protected DatasetCatalogTests(CatalogFixture fx) => _fx = fx;
    private DataHubCatalog _catalog = null!;
    private static readonly DatasetSchema Population = SchemaLoader.Get("population");
    private static readonly DatasetMetadata Meta = new("320113-GA", "南京市公安局栖霞分局", "320113-GA-RK-0001", ShareTypes.Conditional, "按社区授权", "每日");

    public async Task InitializeAsync()
    {
        _catalog = await _fx.OpenAsync();
        await _catalog.Datasets.RegisterAsync(Population, SchemaLoader.RawText("population"), Meta, default);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Register_NewDataset_ListsCatalogMetadataWithoutCurrentVersion()
    {
        var entry = Assert.Single(await _catalog.Datasets.ListAsync(default));
        Assert.Equal("population", entry.Name);
        Assert.Equal("实有人口", entry.Title);
        Assert.Equal("Population", entry.EntitySet);
        Assert.Equal(Meta, entry.Metadata);
        Assert.Null(entry.CurrentVersion);
        Assert.Empty(await _catalog.Datasets.CurrentVersionsAsync(default));
    }

    [Fact]
    public async Task Register_UnknownShareType_IsRejected()
    {
        var bad = Meta with { ShareType = "随便共享" };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => _catalog.Datasets.RegisterAsync(Population, "{}", bad, default));
        Assert.Contains("共享类型", e.Message);
    }

    [Fact]
    public async Task Publish_SwitchesCurrentVersionFinishesRunAndStoresState()
    {
        await PublishAsync(1, "run-1", "{\"sha\":\"a\"}");
        await PublishAsync(2, "run-2", "{\"sha\":\"b\"}");

        var current = Assert.Single(await _catalog.Datasets.CurrentVersionsAsync(default));
        Assert.Equal(2, current.Version);
        Assert.Equal(["part-0.parquet"], current.Files);
        Assert.Equal("{\"sha\":\"b\"}", await _catalog.Datasets.GetSourceStateAsync("gongan-population", default));
        var runs = await _catalog.Runs.RecentAsync("population", 10, default);
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.Equal(2, (await _catalog.Datasets.GetAsync("population", default))!.CurrentVersion);
        Assert.NotNull(await _catalog.Datasets.GetVersionAsync("population", 1, default));
    }

    [Fact]
    public async Task Publish_VersionAlreadyRecorded_RollsBackAndKeepsPreviousCurrent()
    {
        await PublishAsync(1, "run-1", null);
        await _catalog.Runs.StartAsync("run-dup", "gongan-population", "population", default);
        var again = Request(1, "run-dup", "{\"sha\":\"x\"}");

        await Assert.ThrowsAnyAsync<Exception>(() => _catalog.Datasets.PublishAsync(again, default));

        Assert.Equal(1, Assert.Single(await _catalog.Datasets.CurrentVersionsAsync(default)).Version);
        Assert.Null(await _catalog.Datasets.GetSourceStateAsync("gongan-population", default));
        var run = (await _catalog.Runs.RecentAsync("population", 10, default)).Single(r => r.Id == "run-dup");
        Assert.Equal(RunStatus.Running, run.Status);
    }

    [Fact]
    public async Task RetireOldVersions_KeepsNewestAndNeverTheCurrent()
    {
        for (var v = 1; v <= 4; v++) await PublishAsync(v, $"run-{v}", null);

        var retired = await _catalog.Datasets.RetireOldVersionsAsync("population", keep: 2, default);

        Assert.Equal([2L, 1L], retired.Select(r => r.Version));
        Assert.Null((await _catalog.Datasets.GetVersionAsync("population", 3, default))!.RetiredAt);
        Assert.NotNull((await _catalog.Datasets.GetVersionAsync("population", 1, default))!.RetiredAt);
        Assert.Equal(4, Assert.Single(await _catalog.Datasets.CurrentVersionsAsync(default)).Version);
    }

    [Fact]
    public async Task OpenTwice_MigrationsAreIdempotentAndDataSurvives()
    {
        await PublishAsync(1, "run-1", null);
        var reopened = await _fx.OpenAsync();
        Assert.Equal(1, Assert.Single(await reopened.Datasets.CurrentVersionsAsync(default)).Version);
    }

    [Fact]
    public async Task FailRun_RecordsErrorAndLeavesCurrentUntouched()
    {
        await PublishAsync(1, "run-1", null);
        await _catalog.Runs.StartAsync("run-bad", "gongan-population", "population", default);
        await _catalog.Runs.FailAsync("run-bad", new RunCounts(10, 0, 3, 0), null, "CSV_RAGGED_ROW", "第5行列数不对", default);

        var run = (await _catalog.Runs.RecentAsync(null, 10, default)).Single(r => r.Id == "run-bad");
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("CSV_RAGGED_ROW", run.ErrorCode);
        Assert.Null(run.Version);
        Assert.Equal(1, Assert.Single(await _catalog.Datasets.CurrentVersionsAsync(default)).Version);
    }

    private async Task PublishAsync(long version, string runId, string? state)
    {
        await _catalog.Runs.StartAsync(runId, "gongan-population", "population", default);
        await _catalog.Datasets.PublishAsync(Request(version, runId, state), default);
    }

    private static PublishRequest Request(long version, string runId, string? state) =>
        new(runId, "population", version, $"/lake/population/v{version}", ["part-0.parquet"], 100, "1.0.0",
            new RunCounts(105, 100, 3, 2), "{}", "gongan-population", state);
}

public sealed class SqliteDatasetCatalogTests() : DatasetCatalogTests(new SqliteCatalogFixture());

public sealed class PostgresDatasetCatalogTests() : DatasetCatalogTests(new PostgresCatalogFixture());
