using Xunit;
using static DataHub.Pipelines.Tests.PipelineFixture;
using Id = DataHub.Pipelines.Tests.Ingestion.IngestionRunnerTests;

namespace DataHub.Pipelines.Tests.Derived;

/// <summary>
/// The rebuild matches each distinct community + address text once and carries the number of records
/// that share it: every record still gets its own address_match row, the unmatched figure counts
/// records (not distinct texts), and the same text in two communities is two dwellings.
/// </summary>
public sealed class DerivedAddressPairsTests : IAsyncLifetime
{
    private PipelineFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task SharedAddress_OneRowPerRecord_UnmatchedCountsRecords_HouseholdsStayPerCommunity()
    {
        // Four residents, one address text: three in one community (one of them aged 80+), one aged 80+ in another.
        var report = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(
            Row(1, Id.Id("19800101", 1)), Row(2, Id.Id("19810202", 2)), Row(3, Id.Id("19400303", 3)),
            Row(4, Id.Id("19400404", 4), community: "320113002002"))), default);
        Assert.True(report.Succeeded);

        var matches = await _fx.ReadCurrentAsync("address_match");
        Assert.Equal(4, matches.Count);
        Assert.Equal(4, matches.Select(m => m["source_record_id"]).Distinct().Count());
        Assert.All(matches, m => Assert.Equal("none", m["match_kind"]));

        var profile = (await _fx.ReadCurrentAsync("community_profile")).ToDictionary(r => (string)r["community_code"]!);
        Assert.Equal(3L, Convert.ToInt64(profile["320113002001"]["unmatched_addresses"]));
        Assert.Equal(1L, Convert.ToInt64(profile["320113002002"]["unmatched_addresses"]));
        // The three share a dwelling; the one in the other community lives alone there.
        Assert.Equal(0L, Convert.ToInt64(profile["320113002001"]["alone_80_plus"]));
        Assert.Equal(1L, Convert.ToInt64(profile["320113002002"]["alone_80_plus"]));
        Assert.Single(await _fx.ReadCurrentAsync("care_visit_list"));

        // The rebuild's scratch database is removed with its folder.
        var runs = Path.Combine(_fx.Root, "lake", "_runs");
        Assert.False(Directory.Exists(runs) && Directory.EnumerateDirectories(runs, "*-derived").Any());
    }
}
