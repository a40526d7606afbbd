using System.Text.Json;
using DataHub.Serving.Tests.Kit;
using Microsoft.OData;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>Pages as a strict client reads them: the model from $metadata, every page through ODataMessageReader, values typed.</summary>
public sealed class PayloadTests(TestLake lake) : IClassFixture<TestLake>
{
    [Fact]
    public async Task ReadFeed_WithModelFromMetadata_TypedValuesEqualSource()
    {
        var model = ODataReading.Model(await lake.Client.GetAsync(Principals.Steward, "$metadata"));
        var source = lake.Housing.ToDictionary(r => r.HouseId);
        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, "Housing?$count=true", prefer: "odata.maxpagesize=150");

        var seen = 0;
        foreach (var page in pages)
        {
            var (rows, set) = await ODataReading.ReadFeedAsync(model, "Housing", page, lake.Client.Root);
            Assert.Equal(lake.Housing.Count(Rows.InDistrict), set.Count);
            foreach (var row in rows)
            {
                var r = source[(string)ODataReading.Value(row, "房屋编号")!];
                Assert.Equal(r.CommunityCode, ODataReading.Value(row, "社区代码"));
                Assert.Equal(r.BuildingArea, ODataReading.Value(row, "建筑面积"));
                Assert.Equal(r.RoomCount, ODataReading.Value(row, "房间数"));
                Assert.Equal(r.ResidentCount, ODataReading.Value(row, "租住人数"));
                Assert.Equal(r.RentPrice, ODataReading.Value(row, "月租金"));
                Assert.Equal(r.IsRented, ODataReading.Value(row, "是否出租"));
                Assert.Equal(r.BuiltDate?.ToString("yyyy-MM-dd"), ODataReading.Value(row, "建成日期")?.ToString());
                Assert.Equal(r.UpdatedAt, ODataReading.Value(row, "更新时间"));
                Assert.Equal(r.OwnerName, ODataReading.Value(row, "产权人"));
                seen++;
            }
            Assert.Equal(page.NextLink(), set.NextPageLink?.AbsoluteUri);
        }
        Assert.Equal(lake.Housing.Count(Rows.InDistrict), seen);
    }

    [Fact]
    public async Task ReadFeed_PopulationWithSelect_ContextAndPropertiesMatch()
    {
        var model = ODataReading.Model(await lake.Client.GetAsync(Principals.CommunityWorkerA1, "$metadata"));
        var page = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population?$select=" + Uri.EscapeDataString("姓名,迁入日期,公民身份号码,民族") + "&$top=50");

        var (rows, _) = await ODataReading.ReadFeedAsync(model, "Population", page, lake.Client.Root);

        Assert.Equal(50, rows.Count);
        Assert.All(rows, r => Assert.Equal(["公民身份号码", "姓名", "民族", "迁入日期"], r.Properties.OfType<ODataProperty>().Select(p => p.Name)));
        Assert.Contains(rows, r => ODataReading.Value(r, "迁入日期") is null);
    }

    [Fact]
    public async Task Json_NumbersDatesAndNulls_WrittenAsExcelExpects()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Housing?$top=200");
        var rows = page.Rows();

        Assert.All(rows, r => Assert.Equal(JsonValueKind.Number, r.GetProperty("建筑面积").ValueKind));
        Assert.All(rows, r => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$", r.GetProperty("更新时间").GetString()));
        Assert.Contains(rows, r => r.GetProperty("租住人数").ValueKind == JsonValueKind.Number && r.GetProperty("租住人数").GetInt64() > int.MaxValue);
        Assert.Contains(rows, r => r.GetProperty("房间数").ValueKind == JsonValueKind.Null);
        Assert.All(rows, r => Assert.NotEqual(JsonValueKind.String, r.GetProperty("房间数").ValueKind));
        Assert.All(rows.Where(r => r.GetProperty("建成日期").ValueKind != JsonValueKind.Null),
            r => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", r.GetProperty("建成日期").GetString()));
        Assert.All(rows, r => Assert.Equal(12, r.EnumerateObject().Count()));
    }

    [Fact]
    public async Task Json_UpdatedAtWrittenInUtc_SameInstantAsSource()
    {
        var page = await lake.Client.GetAsync(Principals.Steward, "Housing?$top=20&$select=" + Uri.EscapeDataString("房屋编号,更新时间"));
        var source = lake.Housing.ToDictionary(r => r.HouseId);
        Assert.All(page.Rows(), r => Assert.Equal(source[r.GetProperty("房屋编号").GetString()!].UpdatedAt, r.GetProperty("更新时间").GetDateTimeOffset()));
    }

    [Fact]
    public async Task CountEndpoint_WithFilter_PlainTextNumber()
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "Population/$count?$filter=" + Uri.EscapeDataString("性别 eq '男'") + "&$top=3");

        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain;charset=utf-8", response.Header("Content-Type"));
        Assert.Single(response.Headers, h => h.Key == "OData-Version");
        Assert.Equal(lake.Population.Count(r => Rows.InDistrict(r) && r.Gender == "男").ToString(System.Globalization.CultureInfo.InvariantCulture), response.Body);
        Assert.Equal(FeedEndpoint.Count, response.Outcome.Endpoint);
    }
}
