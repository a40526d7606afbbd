using DataHub.Host.Cli;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using Xunit;

namespace DataHub.Host.Tests.Demo;

/// <summary>
/// A rollback (and <c>datahub derive</c>) rebuilds the derived datasets from the versions now current.
/// Their publish names a run, which must be a recorded one: a made-up run id failed the catalog's
/// foreign key, the failure was only logged, and the derived datasets stayed built from the version
/// rolled away from.
/// </summary>
public sealed class DerivedAfterRollbackTests : IAsyncDisposable
{
    private readonly HostFixture _fx = new();

    public ValueTask DisposeAsync() => _fx.DisposeAsync();

    [Fact]
    public async Task Rollback_RebuildsTheDerivedDatasets_FromTheVersionRolledBackTo()
    {
        var engine = await _fx.OpenEngineAsync();
        foreach (var seed in (int[])[5, 6])
        {
            var (source, _) = await DemoSetup.PrepareAsync(engine, rows: 600, seed, default);
            var report = await engine.Runner.RunAsync(source, default);
            Assert.True(report.Succeeded, report.ToText());
        }
        Assert.Equal(2, await PopulationInputOfProfileAsync(engine));

        await engine.Runner.RollbackAsync("population", 1, "steward", default);
        Assert.Equal(1, await PopulationInputOfProfileAsync(engine));

        // Nothing changed since: derive publishes nothing new and says so, without failing.
        var output = new StringWriter();
        Assert.Equal(CommandLine.Ok, await CommandLine.RunAsync(["derive", "--data", _fx.Data.Root], output, TextWriter.Null, default));
        Assert.Contains("输入未变化", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await PopulationInputOfProfileAsync(engine));
    }

    private static async Task<long> PopulationInputOfProfileAsync(DataHubEngine engine)
    {
        var lineage = await engine.Catalog.Datasets.CurrentLineageAsync(default);
        return lineage["community_profile"].Inputs.Single(i => i.Dataset == "population").Version;
    }
}
