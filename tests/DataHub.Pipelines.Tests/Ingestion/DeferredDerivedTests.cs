using DataHub.Pipelines.Ingestion;
using Xunit;
using static DataHub.Pipelines.Tests.PipelineFixture;

namespace DataHub.Pipelines.Tests.Ingestion;

/// <summary>
/// A batch of runs (the demo's four departments) can leave the derived rebuild to one call after the
/// last run; a single run still rebuilds after its publish.
/// </summary>
public sealed class DeferredDerivedTests : IAsyncLifetime
{
    private PipelineFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Run_DeferDerived_PublishesNoDerivedVersion_UntilTheCallerRebuilds()
    {
        var source = _fx.WriteSource(Csv(Row(1, IngestionRunnerTests.Id("19800101", 1)), Row(2, IngestionRunnerTests.Id("19900307", 2))));
        var report = await _fx.Runner.RunAsync(source, new RunRequest { DeferDerived = true }, default);
        Assert.True(report.Succeeded);
        Assert.DoesNotContain(report.Timings!.Keys, k => k.StartsWith("派生", StringComparison.Ordinal));
        Assert.DoesNotContain((await _fx.Catalog.Datasets.CurrentVersionsAsync(default)), v => v.Dataset == "address_match");

        var rebuild = await _fx.Runner.RebuildDerivedAsync("population", report.RunId, default);
        Assert.NotNull(rebuild);
        Assert.Contains("address_match", rebuild.Published.Keys);
        var lineage = await _fx.Catalog.Datasets.CurrentLineageAsync(default);
        Assert.Contains(lineage["person_link"].Inputs, i => i.Dataset == "population" && i.Version == report.Version);
        Assert.Equal(2, (await _fx.ReadCurrentAsync("address_match")).Count);
    }

    [Fact]
    public async Task Run_ByDefault_RebuildsTheDerivedDatasetsAfterItsPublish()
    {
        var report = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Row(1, IngestionRunnerTests.Id("19800101", 1)))), default);
        Assert.True(report.Succeeded);
        Assert.Contains(report.Timings!.Keys, k => k.StartsWith("派生", StringComparison.Ordinal));
        var lineage = await _fx.Catalog.Datasets.CurrentLineageAsync(default);
        Assert.Contains(lineage["address_match"].Inputs, i => i.Dataset == "population" && i.Version == report.Version);
    }
}
