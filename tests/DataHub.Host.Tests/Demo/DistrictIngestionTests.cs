using System.Globalization;
using DataHub.Host.Demo;
using DataHub.Pipelines.Ingestion;
using DataHub.Simulators.District;
using DuckDB.NET.Data;
using Xunit;

namespace DataHub.Host.Tests.Demo;

/// <summary>
/// The simulated district through the real pipeline: every department ingested with exact accounting
/// against its truth, then a day of changes picked up by the incremental sources exactly.
/// </summary>
public sealed class DistrictIngestionTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Ingest_EveryDepartment_MatchesTruthThenAdvanceIsPickedUpExactly()
    {
        var engine = await _fx.OpenEngineAsync();
        var (server, truth, sources) = await DistrictSetup.StartAsync(engine, DistrictSetup.Options(engine, "320113", 1200, 5), null, 0, reset: true, default);
        await using (server)
        {
            Assert.Equal(["enterprise", "health", "housing", "population"], sources.Keys.Order(StringComparer.Ordinal));
            // Housing first: its houses are the standard addresses an enterprise registered without its
            // community code is resolved against (docs/DERIVED.md).
            foreach (var dataset in (string[])["housing", "population", "enterprise", "health"])
            {
                var report = await engine.Runner.RunAsync(sources[dataset], default);
                var expected = truth.Departments[dataset];
                Assert.True(report.Succeeded, report.ToText());
                Assert.Equal(expected.Rows, report.RowsRead);
                Assert.Equal(expected.Accepted, report.Accepted);
                Assert.Equal(expected.Quarantined, report.Quarantined);
                Assert.Equal(expected.Duplicates, report.Duplicates);
                Assert.Equal(expected.QuarantinedByReason.OrderBy(kv => kv.Key), report.QuarantinedByReason.OrderBy(kv => kv.Key));
                Assert.Equal(expected.Warnings.OrderBy(kv => kv.Key), report.Warnings.Where(kv => kv.Key.StartsWith("CREDIT", StringComparison.Ordinal) || kv.Key is "RECORD_ID_FROM_FALLBACK_KEY" or "COMMUNITY_FROM_ADDRESS").OrderBy(kv => kv.Key));
                Assert.Equal(expected.AcceptedByCommunity.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key), await PerCommunityAsync(engine, dataset));
                // A filled community code is reported as filled, not as a value set to null.
                if (dataset == "enterprise") Assert.Contains("社区代码为空，已按标准地址补全", report.ToText(), StringComparison.Ordinal);
            }

            // Each enterprise registered without its community code is in the community of its standard address.
            var planted = truth.Facts.Enterprises.Where(e => e.CommunityFromAddress).ToList();
            Assert.NotEmpty(planted);
            var enterprises = await CommunityByKeyAsync(engine, "enterprise", "credit_code");
            Assert.All(planted, e => Assert.Equal(e.CommunityCode, enterprises[e.CreditCode]));

            var day1 = await SimulatedDistrict.AdvanceAsync(new DistrictPaths(_fx.Data.Root), null, default);
            foreach (var dataset in (string[])["population", "enterprise", "health"])
            {
                var report = await engine.Runner.RunAsync(sources[dataset], default);
                var changes = day1.Changes![dataset];
                Assert.True(report.Succeeded, report.ToText());
                Assert.Equal("incremental", report.Mode);
                Assert.Equal(changes.Inserted.Count, report.Inserted);
                Assert.Equal(changes.Updated.Count, report.Updated);
                Assert.Equal(changes.Deleted.Count, report.Deleted);
                Assert.Equal(day1.Departments[dataset].Accepted, report.VersionRows);
                Assert.Equal(day1.Departments[dataset].AcceptedByCommunity.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key), await PerCommunityAsync(engine, dataset));
            }
            var housing = await engine.Runner.RunAsync(sources["housing"], default);
            Assert.Equal(day1.Departments["housing"].Rows, housing.RowsRead);
            Assert.Equal(day1.Departments["housing"].Accepted, housing.Accepted);
        }
    }

    private static async Task<List<KeyValuePair<string, long>>> PerCommunityAsync(DataHub.Host.Composition.DataHubEngine engine, string dataset)
    {
        var current = (await engine.Catalog.Datasets.CurrentVersionsAsync(default)).Single(v => v.Dataset == dataset);
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        var files = string.Join(", ", current.Files.Select(f => $"'{Path.Combine(current.Directory, f)}'"));
        cmd.CommandText = $"SELECT community_code, count(*) FROM read_parquet([{files}]) GROUP BY 1 ORDER BY 1";
        using var reader = cmd.ExecuteReader();
        var list = new List<KeyValuePair<string, long>>();
        while (reader.Read()) list.Add(new(reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
        return list;
    }

    private static async Task<Dictionary<string, string>> CommunityByKeyAsync(DataHub.Host.Composition.DataHubEngine engine, string dataset, string key)
    {
        var current = (await engine.Catalog.Datasets.CurrentVersionsAsync(default)).Single(v => v.Dataset == dataset);
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        var files = string.Join(", ", current.Files.Select(f => $"'{Path.Combine(current.Directory, f)}'"));
        cmd.CommandText = $"SELECT {key}, community_code FROM read_parquet([{files}])";
        using var reader = cmd.ExecuteReader();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read()) result[reader.GetString(0)] = reader.GetString(1);
        return result;
    }
}
