using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// $orderby (several keys, expressions, nulls) read across many small keyset pages must give exactly
/// the LINQ order: this checks the ORDER BY and the keyset predicate's handling of direction and nulls.
/// </summary>
public sealed class OrderByTests(TestLake lake) : IClassFixture<TestLake>
{
    internal static readonly Dictionary<string, (Func<PopulationRow, IComparable?>, bool)[]> PopulationOrders = new()
    {
        [""] = [(r => r.CommunityCode, false)],
        ["姓名"] = [(r => r.Name, false)],
        ["出生日期 desc,姓名"] = [(r => r.BirthDate, true), (r => r.Name, false)],
        ["迁入日期"] = [(r => r.MoveInDate, false)],
        ["迁入日期 desc"] = [(r => r.MoveInDate, true)],
        ["人员状态 desc,迁入日期,更新时间 desc"] = [(r => r.Status, true), (r => r.MoveInDate, false), (r => r.UpdatedAt, true)],
        ["length(姓名) desc,社区代码"] = [(r => r.Name.Length, true), (r => r.CommunityCode, false)],
        ["记录编号 desc"] = [(r => r.RecordId, true)],
        ["民族,现住址 desc"] = [(r => r.Ethnicity, false), (r => r.CurrentAddress, true)],
    };

    internal static readonly Dictionary<string, (Func<HousingRow, IComparable?>, bool)[]> HousingOrders = new()
    {
        ["月租金 desc"] = [(r => r.RentPrice, true)],
        ["是否出租,房间数 desc"] = [(r => r.IsRented, false), (r => r.RoomCount, true)],
        ["建筑面积"] = [(r => r.BuildingArea, false)],
        ["租住人数 desc,建成日期"] = [(r => r.ResidentCount, true), (r => r.BuiltDate, false)],
        ["房间数 mul 2 add 1 desc"] = [(r => r.RoomCount * 2 + 1, true)],
    };

    public static TheoryData<string> PopulationKeys => new(PopulationOrders.Keys);

    public static TheoryData<string> HousingKeys => new(HousingOrders.Keys);

    [Theory]
    [MemberData(nameof(PopulationKeys))]
    public async Task OrderBy_PopulationAcrossSmallPages_MatchesLinqOrder(string orderBy)
    {
        var expected = Ordering.Sort(lake.Population.Where(Rows.InDistrict), r => r.RecordId, PopulationOrders[orderBy]).Select(r => r.RecordId).ToList();
        var query = orderBy.Length == 0 ? "Population?$select=记录编号" : $"Population?$orderby={Uri.EscapeDataString(orderBy)}&$select=记录编号";

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, query, prefer: "odata.maxpagesize=97");

        Assert.Equal(expected, Rows.Keys(Rows.All(pages)));
        Assert.True(pages.Count > 20);
    }

    [Theory]
    [MemberData(nameof(HousingKeys))]
    public async Task OrderBy_HousingAcrossSmallPages_MatchesLinqOrder(string orderBy)
    {
        var expected = Ordering.Sort(lake.Housing.Where(Rows.InDistrict), r => r.HouseId, HousingOrders[orderBy]).Select(r => r.HouseId).ToList();

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, $"Housing?$orderby={Uri.EscapeDataString(orderBy)}&$select=房屋编号", prefer: "odata.maxpagesize=13");

        Assert.Equal(expected, Rows.Keys(Rows.All(pages), "房屋编号"));
    }

    [Fact]
    public async Task OrderBy_WithFilterSelectAndTop_MatchesLinq()
    {
        var expected = Ordering.Sort(
                lake.Population.Where(Rows.InDistrict).Where(r => r.PersonType == "流动"),
                r => r.RecordId,
                (r => r.BirthDate, true))
            .Take(333).ToList();

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward,
            "Population?$filter=" + Uri.EscapeDataString("人员类型 eq '流动'") + "&$orderby=" + Uri.EscapeDataString("出生日期 desc") + "&$select=记录编号,出生日期&$top=333",
            prefer: "odata.maxpagesize=100");

        var rows = Rows.All(pages);
        Assert.Equal(expected.Select(r => r.RecordId), Rows.Keys(rows));
        Assert.Equal(expected.Select(r => r.BirthDate.ToString("yyyy-MM-dd")), rows.Select(r => r.GetProperty("出生日期").GetString()));
        Assert.Equal(4, pages.Count);
    }
}
