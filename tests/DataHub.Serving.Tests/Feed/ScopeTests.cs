using DataHub.Core.Access;
using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>The core security rule: nothing from outside the principal's scope surfaces, whatever the query.</summary>
public sealed class ScopeTests(TestLake lake) : IClassFixture<TestLake>
{
    public static TheoryData<string> Tricks => new()
    {
        "",
        "$filter=社区代码 eq '320113002001' or true",
        "$filter=true or 社区代码 ne ''",
        "$filter=社区代码 ne '320113001001'",
        "$filter=not (社区代码 eq '320113001001')",
        "$filter=not not (true)",
        "$filter=not (false and 社区代码 eq '320113001001')",
        "$filter=社区代码 gt '0' or 社区代码 lt '0'",
        "$filter=startswith(社区代码,'3201')",
        "$filter=社区代码 in ('320113001001','320113001002','320113002001','320114001001')",
        "$filter=(社区代码 eq '320113001002') or (1 eq 1)",
        "$filter=社区代码 eq null or 社区代码 ne null",
        "$filter=substring(社区代码,0,6) eq '320113' or 街道代码 eq '320113002'",
        "$filter=社区代码 eq '320113002002'",
        "$orderby=社区代码 desc",
        "$orderby=社区代码 desc&$filter=true or false&$skip=5",
        "$filter=社区代码 ne '320113001001' or 社区代码 eq '320113001001'&$orderby=街道代码 desc,社区代码",
    };

    [Theory]
    [MemberData(nameof(Tricks))]
    public async Task CommunityWorker_AnyQuery_OnlyOwnCommunityRowsAndCounts(string options)
    {
        var own = lake.Population.Where(r => r.CommunityCode == SyntheticData.CommunityA1).ToList();
        var query = EscapeValues(options);

        var pages = await lake.Client.GetAllPagesAsync(Principals.CommunityWorkerA1, $"Population?{query}&$count=true&$select=记录编号,社区代码", pageSize: 150);
        var count = await lake.Client.GetAsync(Principals.CommunityWorkerA1, $"Population/$count?{query}");

        var rows = Rows.All(pages);
        Assert.All(rows, r => Assert.Equal(SyntheticData.CommunityA1, Rows.Text(r, "社区代码")));
        Assert.All(Rows.Keys(rows), k => Assert.Contains(k, own.Select(r => r.RecordId)));
        Assert.All(pages, p => Assert.True(p.Count() <= own.Count));
        Assert.Equal(200, count.Status);
        Assert.True(long.Parse(count.Body, System.Globalization.CultureInfo.InvariantCulture) <= own.Count);
        Assert.Equal(pages[0].Count(), long.Parse(count.Body, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task CommunityWorker_Count_EqualsOwnRows()
    {
        var own = lake.Population.Count(r => r.CommunityCode == SyntheticData.CommunityA1);

        var count = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population/$count");
        var page = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population?$top=0&$count=true");

        Assert.Equal(own.ToString(System.Globalization.CultureInfo.InvariantCulture), count.Body);
        Assert.StartsWith("text/plain", count.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(own, page.Count());
    }

    [Fact]
    public async Task CommunityWorker_OtherCommunityFilter_EmptyAndZeroCount()
    {
        var page = await lake.Client.GetAsync(Principals.CommunityWorkerB2, "Population?$count=true&$filter=" + Uri.EscapeDataString("社区代码 eq '320113001001'"));
        Assert.Empty(page.Rows());
        Assert.Equal(0, page.Count());
    }

    [Fact]
    public async Task StreetWorker_SeesBothCommunitiesOfItsStreetOnly()
    {
        var pages = await lake.Client.GetAllPagesAsync(Principals.StreetWorkerA, "Population?$select=社区代码&$count=true", pageSize: 400);
        var codes = Rows.All(pages).Select(r => Rows.Text(r, "社区代码")).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal([SyntheticData.CommunityA1, SyntheticData.CommunityA2], codes);
        Assert.Equal(lake.Population.Count(r => r.StreetCode == SyntheticData.StreetA), pages[0].Count());
    }

    [Fact]
    public async Task Steward_NeverSeesAnotherDistrict()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Population?$count=true&$filter=" + Uri.EscapeDataString("startswith(社区代码,'320114') or true") + "&$select=社区代码");
        Assert.Equal(lake.Population.Count(Rows.InDistrict), page.Count());
        Assert.DoesNotContain(page.Rows(), r => Rows.Text(r, "社区代码")!.StartsWith("320114", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnscopedDataset_CommunityWorker_Forbidden()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "StreetSummary");
        Assert.Equal(403, response.Status);
        Assert.Equal("SCOPE_FORBIDDEN", response.ErrorCode());
        Assert.Contains("区级", response.ErrorMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnscopedDataset_Analyst_AllRows()
    {
        var response = await lake.Client.GetAsync(Principals.Analyst, "StreetSummary?$count=true");
        Assert.Equal(2, response.Count());
    }

    [Fact]
    public async Task MisconfiguredPrincipal_ScopeWiderThanRole_ForbiddenEverywhere()
    {
        var wide = new Principal("bad", "bad", Role.CommunityWorker, SyntheticData.District);
        foreach (var path in new[] { "", "$metadata", "Population", "Population/$count" })
        {
            var response = await lake.Client.GetAsync(wide, path);
            Assert.Equal(403, response.Status);
        }
    }

    [Fact]
    public async Task NextLinks_CommunityWorker_NeverLeaveTheCommunity()
    {
        var pages = await lake.Client.GetAllPagesAsync(Principals.CommunityWorkerA1, "Population?$orderby=" + Uri.EscapeDataString("社区代码 desc") + "&$select=社区代码", pageSize: 50);
        Assert.Equal(lake.Population.Count(r => r.CommunityCode == SyntheticData.CommunityA1), Rows.All(pages).Count);
        Assert.All(Rows.All(pages), r => Assert.Equal(SyntheticData.CommunityA1, Rows.Text(r, "社区代码")));
    }

    private static string EscapeValues(string options) =>
        string.Join("&", options.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(o =>
        {
            var eq = o.IndexOf('=', StringComparison.Ordinal);
            return o[..(eq + 1)] + Uri.EscapeDataString(o[(eq + 1)..]);
        }));
}
