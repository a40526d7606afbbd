using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

public sealed class PagingTests(TestLake lake) : IClassFixture<TestLake>
{
    private int DistrictRows => lake.Population.Count(Rows.InDistrict);

    [Fact]
    public async Task NextLinks_FollowedToTheEnd_EveryRowOnceAndTotalEqualsCount()
    {
        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, "Population?$count=true", pageSize: 500);

        var keys = Rows.Keys(Rows.All(pages));
        Assert.Equal(DistrictRows, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(lake.Population.Where(Rows.InDistrict).Select(r => r.RecordId).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.All(pages, p => Assert.Equal(DistrictRows, p.Count()));
        Assert.Equal(6, pages.Count);
        Assert.All(pages.SkipLast(1), p => Assert.Equal(500, p.Rows().Count));
    }

    [Fact]
    public async Task NextLinks_FilteredWithCount_EveryMatchingRowOnceAndEveryPageCountsAll()
    {
        // A filtered first page takes its $count from the scope window's GROUP BY; later pages count
        // on their own. Both must equal the rows the filter matches.
        var filter = Uri.EscapeDataString("性别 eq '女'");
        var expected = lake.Population.Where(r => Rows.InDistrict(r) && r.Gender == "女").Select(r => r.RecordId).Order(StringComparer.Ordinal).ToList();

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, $"Population?$filter={filter}&$count=true", pageSize: 170);

        var keys = Rows.Keys(Rows.All(pages));
        Assert.Equal(expected, keys.Order(StringComparer.Ordinal));
        Assert.All(pages, p => Assert.Equal(expected.Count, p.Count()));
        Assert.True(pages.Count > 2);
    }

    [Theory]
    [InlineData(97)]
    [InlineData(250)]
    public async Task NextLinks_StreetWorker_EveryRowOfTheStreetOnceInFileOrder(int pageSize)
    {
        // Unfiltered pages of a scope wider than a community are bounded by the version's counts per
        // community (in memory); a page that ends inside a community continues after it exactly.
        var expected = lake.Population.Where(r => r.CommunityCode.StartsWith(Principals.StreetWorkerA.ScopeCode!, StringComparison.Ordinal))
            .OrderBy(r => r.CommunityCode, StringComparer.Ordinal).ThenBy(r => r.RecordId, StringComparer.Ordinal).Select(r => r.RecordId).ToList();

        var pages = await lake.Client.GetAllPagesAsync(Principals.StreetWorkerA, "Population?$count=true", pageSize: pageSize);

        Assert.Equal(expected, Rows.Keys(Rows.All(pages)));
        Assert.All(pages, p => Assert.Equal(expected.Count, p.Count()));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(pageSize, p.Rows().Count));
    }

    [Fact]
    public async Task NextLink_IsAbsoluteAndKeepsEveryOptionButSkip()
    {
        var filter = Uri.EscapeDataString("性别 eq '女'");
        var first = await lake.Client.GetAsync(Principals.Steward, $"Population?$filter={filter}&$select=姓名,性别&$orderby=%E5%A7%93%E5%90%8D&$count=true&$skip=10&$top=900&apikey=abc", pageSize: 200);

        var next = new Uri(first.NextLink()!);
        Assert.True(next.IsAbsoluteUri);
        Assert.Equal("http://localhost/odata/Population", next.GetLeftPart(UriPartial.Path));
        var query = next.Query;
        Assert.Contains("$filter=" + filter, query, StringComparison.Ordinal);
        Assert.Contains("$select=", query, StringComparison.Ordinal);
        Assert.Contains("$orderby=", query, StringComparison.Ordinal);
        Assert.Contains("$count=true", query, StringComparison.Ordinal);
        Assert.Contains("$top=900", query, StringComparison.Ordinal);
        Assert.Contains("apikey=abc", query, StringComparison.Ordinal);
        Assert.Contains("$skiptoken=", query, StringComparison.Ordinal);
        Assert.DoesNotContain("$skip=", query, StringComparison.Ordinal);

        var second = await lake.Client.GetAbsoluteAsync(Principals.Steward, next, pageSize: 200);
        Assert.Equal(["姓名", "性别"], second.Rows()[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("http://localhost/odata/$metadata#Population(%E5%A7%93%E5%90%8D,%E6%80%A7%E5%88%AB)", second.Json().GetProperty("@odata.context").GetString());
    }

    [Fact]
    public async Task NextLink_ForwardedRoot_CarriesPublicHost()
    {
        var client = new FeedClient(lake.Service, "https://data.gov.example/odata/");
        var page = await client.GetAsync(Principals.Steward, "Population", pageSize: 100);
        Assert.StartsWith("https://data.gov.example/odata/Population?$skiptoken=", page.NextLink(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxPageSizePreference_Honoured_AndAnnounced()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Population", prefer: "odata.track-changes, odata.maxpagesize=321");

        Assert.Equal(321, page.Rows().Count);
        Assert.Equal("odata.maxpagesize=321", page.Header("Preference-Applied"));
    }

    [Fact]
    public async Task MaxPageSizePreference_AboveServerMaximum_Capped()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Population", prefer: "odata.maxpagesize=999999");
        Assert.Equal($"odata.maxpagesize={lake.Options.MaxPageSize}", page.Header("Preference-Applied"));
        Assert.Equal(DistrictRows, page.Rows().Count);
        Assert.Null(page.NextLink());
    }

    [Fact]
    public async Task DefaultPageSize_NoPreference_NoPreferenceApplied()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Population");
        Assert.Null(page.Header("Preference-Applied"));
        Assert.Equal(DistrictRows, page.Rows().Count);
    }

    [Fact]
    public async Task Top_AcrossPages_StopsExactlyAtTop()
    {
        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, "Population?$top=750&$count=true", pageSize: 200);

        var keys = Rows.Keys(Rows.All(pages));
        Assert.Equal(750, keys.Count);
        Assert.Equal([200, 200, 200, 150], pages.Select(p => p.Rows().Count));
        Assert.All(pages, p => Assert.Equal(DistrictRows, p.Count()));
        var expected = Ordering.Sort(lake.Population.Where(Rows.InDistrict), r => r.RecordId, (r => r.CommunityCode, false)).Take(750).Select(r => r.RecordId);
        Assert.Equal(expected, keys);
    }

    [Fact]
    public async Task Top_EqualToPageSize_SinglePageWithoutNextLink()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Population?$top=200", pageSize: 200);
        Assert.Equal(200, page.Rows().Count);
        Assert.Null(page.NextLink());
    }

    [Fact]
    public async Task SkipAndTop_AcrossPages_SkipAppliedOnce()
    {
        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, "Population?$skip=100&$top=450", pageSize: 200);

        var expected = Ordering.Sort(lake.Population.Where(Rows.InDistrict), r => r.RecordId, (r => r.CommunityCode, false)).Skip(100).Take(450).Select(r => r.RecordId);
        Assert.Equal(expected, Rows.Keys(Rows.All(pages)));
    }

    [Fact]
    public async Task TopZero_EmptyPageWithCountAndNoNextLink()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Population?$top=0&$count=true");

        Assert.Equal(200, page.Status);
        Assert.Empty(page.Rows());
        Assert.Equal(DistrictRows, page.Count());
        Assert.Null(page.NextLink());
    }

    [Fact]
    public async Task Skip_BeyondEnd_EmptyPage()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Population?$skip=100000&$count=true");
        Assert.Empty(page.Rows());
        Assert.Equal(DistrictRows, page.Count());
    }

    [Fact]
    public async Task SkipToken_UsedWithAnotherFilter_Refused()
    {
        var first = await lake.Client.GetAsync(Principals.Steward, "Population?$filter=" + Uri.EscapeDataString("性别 eq '女'"), pageSize: 100);
        var token = new Uri(first.NextLink()!).Query.Split("$skiptoken=")[1];

        var reused = await lake.Client.GetAsync(Principals.Steward, "Population?$filter=" + Uri.EscapeDataString("性别 eq '男'") + "&$skiptoken=" + token);

        Assert.Equal(400, reused.Status);
        Assert.Equal("SKIPTOKEN_INVALID", reused.ErrorCode());
    }

    [Fact]
    public async Task Outcome_Page_RecordsDatasetVersionRowsAndCount()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Population?$count=true", pageSize: 100);
        Assert.Equal(new FeedOutcome(FeedEndpoint.Feed, 200, "population", 1, 100, DistrictRows, null, null), page.Outcome);
    }
}
