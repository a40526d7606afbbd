using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>A refresh that spans a publish reads one version: later pages follow the version their skiptoken pins.</summary>
public sealed class VersionPinningTests
{
    private static List<PopulationRow> NextVersion(List<PopulationRow> rows) =>
        rows.Where((_, i) => i % 3 != 0)                                   // a third of the people moved out
            .Select(r => r with { Name = "新" + r.Name })                   // everybody renamed
            .Concat(SyntheticData.Population(seed: 99).Take(400)            // and newcomers
                .Select(r => r with { RecordId = "f" + r.RecordId[1..] }))
            .ToList();

    [Fact]
    public async Task NextLinks_NewVersionPublishedMidRefresh_StillReadPinnedVersion()
    {
        using var lake = new TestLake();
        var v1Keys = lake.Population.Where(Rows.InDistrict).Select(r => r.RecordId).Order(StringComparer.Ordinal).ToList();

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, "Population?$select=记录编号,姓名&$count=true", pageSize: 400,
            beforePage: n =>
            {
                if (n == 2) lake.Datasets.Publish(lake.WritePopulation(NextVersion(lake.Population), 2));
            });

        var rows = Rows.All(pages);
        Assert.Equal(v1Keys, Rows.Keys(rows).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(rows, r => Rows.Text(r, "姓名")!.StartsWith('新'));
        Assert.All(pages, p => Assert.Equal(1, p.Outcome.Version));
        Assert.All(pages, p => Assert.Equal(v1Keys.Count, p.Count()));

        var fresh = await lake.Client.GetAsync(Principals.Steward, "Population?$top=1&$select=姓名");
        Assert.Equal(2, fresh.Outcome.Version);
        Assert.StartsWith("新", Rows.Text(fresh.Rows()[0], "姓名"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextLink_PinnedVersionNoLongerKept_Gone()
    {
        using var lake = new TestLake();
        var first = await lake.Client.GetAsync(Principals.Steward, "Population", pageSize: 400);
        lake.Datasets.Publish(lake.WritePopulation(NextVersion(lake.Population), 2));
        lake.Datasets.Remove("population", 1);

        var next = await lake.Client.GetAbsoluteAsync(Principals.Steward, new Uri(first.NextLink()!), pageSize: 400);

        Assert.Equal(410, next.Status);
        Assert.Equal("VERSION_GONE", next.ErrorCode());
        Assert.Contains("重新刷新", next.ErrorMessage(), StringComparison.Ordinal);
    }
}
