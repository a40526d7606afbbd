using DataHub.Catalog.Datasets;
using DataHub.Catalog.Runs;
using DataHub.Core.Schema;
using Xunit;

namespace DataHub.Catalog.Tests.Datasets;

/// <summary>
/// <see cref="DatasetCatalog.CurrentLineageAsync"/>: the inputs of each dataset's current version in one
/// query (what a derived rebuild compares against), on both catalogs.
/// </summary>
public abstract class CurrentLineageTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;
    private DataHubCatalog _catalog = null!;
    private static readonly DatasetMetadata Terms = new("DATAHUB", "区数据共享平台", "DATAHUB-DERIVED-0004", ShareTypes.Conditional, "测试", "实时");

    protected CurrentLineageTests(CatalogFixture fx) => _fx = fx;

    public async Task InitializeAsync()
    {
        _catalog = await _fx.OpenAsync();
        foreach (var name in (string[])["population", "housing", "community_profile"])
            await _catalog.Datasets.RegisterAsync(SchemaLoader.Get(name), SchemaLoader.RawText(name), Terms, default);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task CurrentLineage_FollowsTheCurrentVersionOfEachDataset()
    {
        Assert.Empty(await _catalog.Datasets.CurrentLineageAsync(default));
        await PublishAsync("population", 1, "run-p1");
        await PublishAsync("housing", 1, "run-h1");
        await PublishAsync("community_profile", 1, "run-d1", new LineageInput("population", 1, "run-p1"), new LineageInput("housing", 1, "run-h1"));
        await PublishAsync("population", 2, "run-p2");

        var current = await _catalog.Datasets.CurrentLineageAsync(default);

        Assert.Equal(["community_profile", "housing", "population"], current.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((2L, 0), (current["population"].Version, current["population"].Inputs.Count));
        Assert.Equal(1, current["community_profile"].Version);
        Assert.Equal([new LineageInput("housing", 1, "run-h1"), new LineageInput("population", 1, "run-p1")], current["community_profile"].Inputs);

        await PublishAsync("community_profile", 2, "run-d2", new LineageInput("population", 2, "run-p2"), new LineageInput("housing", 1, "run-h1"));
        var after = (await _catalog.Datasets.CurrentLineageAsync(default))["community_profile"];
        Assert.Equal(2, after.Version);
        Assert.Equal([new LineageInput("housing", 1, "run-h1"), new LineageInput("population", 2, "run-p2")], after.Inputs);
    }

    private async Task PublishAsync(string dataset, long version, string runId, params LineageInput[] inputs)
    {
        await _catalog.Runs.StartAsync(runId, dataset == "community_profile" ? dataset : "src-" + dataset, dataset, default);
        await _catalog.Datasets.PublishAsync(new PublishRequest(runId, dataset, version, $"/lake/{dataset}/v{version}", ["part-0.parquet"], 10,
            SchemaLoader.Get(dataset).Version, new RunCounts(10, 10, 0, 0), "{}", dataset == "community_profile" ? dataset : "src-" + dataset, null,
            Derived: inputs.Length > 0, Inputs: inputs.Length > 0 ? inputs : null), default);
    }
}

public sealed class SqliteCurrentLineageTests() : CurrentLineageTests(new SqliteCatalogFixture());

public sealed class PostgresCurrentLineageTests() : CurrentLineageTests(new PostgresCatalogFixture());
