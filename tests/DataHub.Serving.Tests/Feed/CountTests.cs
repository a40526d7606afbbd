using System.Globalization;
using DataHub.Core.Access;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// Unfiltered counts come from the version's rows per scope code, counted once per version: every
/// principal gets exactly the rows of its own scope (the same as a filtered count that keeps every
/// row), later counts need no query worker, and a new version is counted afresh.
/// </summary>
public sealed class CountTests(TestLake lake) : IClassFixture<TestLake>
{
    public static TheoryData<string> PrincipalNames => new() { "steward", "street-a", "community-a1", "community-b2" };

    private static Principal ByName(string name) => name switch
    {
        "steward" => Principals.Steward,
        "street-a" => Principals.StreetWorkerA,
        "community-a1" => Principals.CommunityWorkerA1,
        _ => Principals.CommunityWorkerB2,
    };

    private long Expected(Principal principal) => lake.Population.Count(r => r.CommunityCode.StartsWith(principal.ScopeCode, StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(PrincipalNames))]
    public async Task Count_Unfiltered_ExactlyTheScope_FirstAndLaterAndInPages(string name)
    {
        var principal = ByName(name);
        var expected = Expected(principal);

        var first = await lake.Client.GetAsync(principal, "Population/$count");
        var again = await lake.Client.GetAsync(principal, "Population/$count");
        var page = await lake.Client.GetAsync(principal, "Population?$count=true&$top=1");
        // A filter that keeps every row goes through DuckDB: the same number.
        var filtered = await lake.Client.GetAsync(principal, "Population/$count?$filter=" + Uri.EscapeDataString("记录编号 ne null"));

        Assert.Equal(expected, long.Parse(first.Body, CultureInfo.InvariantCulture));
        Assert.Equal(expected, long.Parse(again.Body, CultureInfo.InvariantCulture));
        Assert.Equal(expected, page.Json().GetProperty("@odata.count").GetInt64());
        Assert.Equal(expected, long.Parse(filtered.Body, CultureInfo.InvariantCulture));
        Assert.Equal(expected, again.Outcome.TotalCount);
    }

    [Fact]
    public async Task Count_Unscoped_Dataset_AllRowsForTheSteward()
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "StreetSummary/$count");

        Assert.Equal(200, response.Status);
        Assert.Equal(SyntheticData.Summary().Count, long.Parse(response.Body, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Count_OnceCounted_AnsweredWhileEveryWorkerIsBusy_NewVersionCountedAfresh()
    {
        var options = new ServingOptions { Secret = TestLake.Secret, MemoryLimit = "256MB", Threads = 1, QueryWorkers = 1 };
        using var engine = new DuckDbEngine(options);
        var datasets = new FakeServedDatasets();
        datasets.Publish(lake.WritePopulation(lake.Population, 101));
        var client = new FeedClient(new ODataFeedService(datasets, AccessPolicy.LoadEmbedded(), engine, options));
        var expected = Expected(Principals.CommunityWorkerA1);
        Assert.Equal(expected, long.Parse((await client.GetAsync(Principals.CommunityWorkerA1, "Population/$count")).Body, CultureInfo.InvariantCulture));

        using var release = new ManualResetEventSlim();
        var blocking = engine.RunAsync((_, ct) => release.Wait(TimeSpan.FromSeconds(30), ct), CancellationToken.None);
        while (engine.Running == 0) await Task.Delay(5);
        var whileBusy = await client.GetAsync(Principals.StreetWorkerA, "Population/$count");
        release.Set();
        Assert.True(await blocking);
        Assert.Equal(Expected(Principals.StreetWorkerA), long.Parse(whileBusy.Body, CultureInfo.InvariantCulture));

        // A new version with fewer rows: its own counts.
        var fewer = lake.Population.Where(r => r.CommunityCode != SyntheticData.CommunityA1 || r.RecordId.EndsWith('0')).ToList();
        datasets.Publish(lake.WritePopulation(fewer, 102));
        var after = await client.GetAsync(Principals.CommunityWorkerA1, "Population/$count");
        Assert.Equal(fewer.Count(r => r.CommunityCode == SyntheticData.CommunityA1), long.Parse(after.Body, CultureInfo.InvariantCulture));
    }
}
