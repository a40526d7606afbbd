using System.Text.Json;
using DataHub.Serving.Tests.Kit;
using Microsoft.OData;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// $apply as Power BI sends it (filter, groupby, aggregate and their chains), against expected
/// results computed with LINQ over the generated rows: scope always applies, masked columns are
/// refused in groupby and aggregate, and the payload reads strictly with Microsoft.OData.
/// </summary>
public sealed class ApplyTests(TestLake lake) : IClassFixture<TestLake>
{
    private static string Apply(string apply, string extra = "") => "?$apply=" + Uri.EscapeDataString(apply) + extra;

    [Fact]
    public async Task GroupByCount_Steward_CountsPerCommunityInDistrict()
    {
        var expected = lake.Population.Where(Rows.InDistrict).GroupBy(r => r.CommunityCode)
            .ToDictionary(g => g.Key, g => (long)g.Count());

        var response = await lake.Client.GetAsync(Principals.Steward, "Population" + Apply("groupby((社区代码),aggregate($count as 人数))"));

        Assert.Equal(200, response.Status);
        var actual = response.Rows().ToDictionary(r => r.GetProperty("社区代码").GetString()!, r => r.GetProperty("人数").GetInt64());
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
        var context = Uri.UnescapeDataString(response.Json().GetProperty("@odata.context").GetString()!);
        Assert.Equal("http://localhost/odata/$metadata#Population(社区代码,人数)", context);
    }

    [Fact]
    public async Task GroupBy_CommunityWorker_SeesOnlyOwnCommunity()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population" + Apply("groupby((街道代码,社区代码),aggregate($count as n))"));

        Assert.Equal(200, response.Status);
        var row = Assert.Single(response.Rows());
        Assert.Equal(SyntheticData.CommunityA1, row.GetProperty("社区代码").GetString());
        Assert.Equal(lake.Population.Count(r => r.CommunityCode == SyntheticData.CommunityA1), row.GetProperty("n").GetInt64());
    }

    [Fact]
    public async Task Aggregate_EveryMethod_MatchesLinq()
    {
        var rows = lake.Housing.Where(Rows.InDistrict).ToList();
        var response = await lake.Client.GetAsync(Principals.Steward, "Housing" + Apply(
            "aggregate(建筑面积 with sum as 面积合计, 房间数 with min as 最少房间, 月租金 with max as 最高租金, 建筑面积 with average as 平均面积, 房间数 with countdistinct as 房间种类, $count as 套数)"));

        Assert.Equal(200, response.Status);
        var row = Assert.Single(response.Rows());
        Assert.Equal(rows.Sum(r => r.BuildingArea), row.GetProperty("面积合计").GetDecimal());
        Assert.Equal(rows.Min(r => r.RoomCount), row.GetProperty("最少房间").GetInt32());
        Assert.Equal(rows.Max(r => r.RentPrice)!.Value, row.GetProperty("最高租金").GetDouble(), 6);
        Assert.Equal(rows.Average(r => r.BuildingArea), row.GetProperty("平均面积").GetDecimal(), 6);
        // As Microsoft.AspNetCore.OData and Power Query's List.Distinct: null is one of the distinct values.
        Assert.Equal(rows.Select(r => r.RoomCount).Distinct().Count(), row.GetProperty("房间种类").GetInt64());
        Assert.Equal(rows.Count, row.GetProperty("套数").GetInt64());
    }

    [Fact]
    public async Task FilterThenGroupBy_OrderedByAliasWithTopAndCount()
    {
        var expected = lake.Population.Where(Rows.InDistrict).Where(r => r.Gender == "女")
            .GroupBy(r => r.PersonType).Select(g => (Type: g.Key, Count: (long)g.Count()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Type, StringComparer.Ordinal).ToList();

        var response = await lake.Client.GetAsync(Principals.Steward, "Population" + Apply(
            "filter(性别 eq '女')/groupby((人员类型),aggregate($count as 人数))", "&$orderby=人数 desc&$top=2&$count=true"));

        Assert.Equal(200, response.Status);
        Assert.Equal(expected.Count, response.Count());
        Assert.Equal(expected.Take(2).Select(e => e.Type), response.Rows().Select(r => r.GetProperty("人员类型").GetString()));
    }

    [Fact]
    public async Task FilterOnAggregate_AfterGroupBy()
    {
        var expected = lake.Population.Where(Rows.InDistrict).GroupBy(r => r.CommunityName)
            .Where(g => g.Count() > 650).Select(g => g.Key).Order(StringComparer.Ordinal).ToList();

        var response = await lake.Client.GetAsync(Principals.Steward, "Population" + Apply("groupby((所属社区),aggregate($count as n))", "&$filter=n gt 650"));

        Assert.Equal(200, response.Status);
        Assert.Equal(expected, response.Rows().Select(r => r.GetProperty("所属社区").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GroupByOnly_IsDistinct_AndPagesWithNextLinks()
    {
        var expected = lake.Population.Where(Rows.InDistrict).Select(r => (r.CommunityCode, r.PersonType)).Distinct().Count();

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, "Population" + Apply("groupby((社区代码,人员类型))"), pageSize: 3);

        Assert.True(pages.Count > 1);
        var rows = Rows.All(pages).Select(r => r.GetProperty("社区代码").GetString() + "|" + r.GetProperty("人员类型").GetString()).ToList();
        Assert.Equal(expected, rows.Count);
        Assert.Equal(expected, rows.Distinct().Count());
    }

    [Fact]
    public async Task CountSegment_WithApply_CountsGroups()
    {
        var response = await lake.Client.GetAsync(Principals.StreetWorkerA, "Population/$count" + Apply("groupby((社区代码))"));

        Assert.Equal(200, response.Status);
        Assert.Equal("2", response.Body);
    }

    [Fact]
    public async Task FilterOnlyApply_IsAFilter()
    {
        var expected = lake.Population.Count(r => r.CommunityCode == SyntheticData.CommunityA1 && r.Gender == "男");

        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population" + Apply("filter(性别 eq '男')", "&$count=true&$top=1"));

        Assert.Equal(200, response.Status);
        Assert.Equal(expected, response.Count());
    }

    [Theory]
    [InlineData("Population", "groupby((公民身份号码),aggregate($count as n))")]
    [InlineData("Population", "aggregate(民族 with countdistinct as n)")]
    [InlineData("Population", "filter(公民身份号码 eq '1')/aggregate($count as n)")]
    public async Task MaskedColumn_InApply_Refused(string set, string apply)
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, set + Apply(apply));

        Assert.Equal(400, response.Status);
        Assert.Equal("COLUMN_MASKED", response.ErrorCode());
        Assert.Contains("已脱敏", response.ErrorMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("compute(length(姓名) as l)", "APPLY_UNSUPPORTED")]
    [InlineData("groupby((社区代码),aggregate($count as n))/groupby((性别))", "QUERY_INVALID")]
    [InlineData("aggregate(姓名 with sum as s)", "QUERY_INVALID")]
    public async Task Unsupported_Apply_Is400(string apply, string code)
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "Population" + Apply(apply));

        Assert.Equal(400, response.Status);
        Assert.Equal(code, response.ErrorCode());
        Assert.Contains(response.ErrorMessage(), c => c >= '\u4e00' && c <= '\u9fff');
    }

    [Fact]
    public async Task Payload_ReadsStrictlyWithMicrosoftOData()
    {
        var metadata = await lake.Client.GetAsync(Principals.Steward, "$metadata");
        var model = ODataReading.Model(metadata);
        var page = await lake.Client.GetAsync(Principals.Steward, "Housing" + Apply("groupby((社区代码),aggregate(建筑面积 with sum as 面积, $count as 套数))"));

        var (rows, _) = await ODataReading.ReadFeedAsync(model, "Housing", page, lake.Client.Root,
            s => s.Validations &= ~ValidationKinds.ThrowOnUndeclaredPropertyForNonOpenType);

        Assert.Equal(4, rows.Count);
        // Dynamic properties carry no type annotation when JSON-native: the reader keeps their raw number.
        Assert.Equal(lake.Housing.Count(Rows.InDistrict), rows.Sum(r => long.Parse(((ODataUntypedValue)ODataReading.Value(r, "套数")!).RawValue, System.Globalization.CultureInfo.InvariantCulture)));
        var csdl = ODataReading.Utf8(metadata.BodyBytes);
        Assert.Contains("Org.OData.Aggregation.V1.xml", csdl, StringComparison.Ordinal);
        Assert.Contains("Aggregation.ApplySupported", csdl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyLookup_InScopeFound_OutOfScopeNotFound()
    {
        var own = lake.Population.First(r => r.CommunityCode == SyntheticData.CommunityA1);
        var other = lake.Population.First(r => r.CommunityCode == SyntheticData.CommunityB2);

        var found = await lake.Client.GetAsync(Principals.CommunityWorkerA1, $"Population('{own.RecordId}')");
        var hidden = await lake.Client.GetAsync(Principals.CommunityWorkerA1, $"Population('{other.RecordId}')");

        Assert.Equal(200, found.Status);
        var json = found.Json();
        Assert.EndsWith("$metadata#Population/$entity", json.GetProperty("@odata.context").GetString(), StringComparison.Ordinal);
        Assert.Equal(own.RecordId, json.GetProperty("记录编号").GetString());
        Assert.Equal(own.IdNumber[..6] + "********" + own.IdNumber[^4..], json.GetProperty("公民身份号码").GetString());
        Assert.Equal(404, hidden.Status);
        Assert.Equal(JsonValueKind.Object, hidden.Json().GetProperty("error").ValueKind);
    }
}
