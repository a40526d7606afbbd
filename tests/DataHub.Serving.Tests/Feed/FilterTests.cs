using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// $filter against expected results computed independently with LINQ over the generated rows, with
/// OData's null semantics: eq/ne treat null as a value, ordering comparisons are false on null,
/// functions return null on null, and/or/not are three-valued.
/// </summary>
public sealed class FilterTests(TestLake lake) : IClassFixture<TestLake>
{
    private static readonly DateTimeOffset Jan2024 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, Func<PopulationRow, bool>> PopulationCases = new()
    {
        ["性别 eq '女'"] = r => r.Gender == "女",
        ["民族 eq null"] = r => r.Ethnicity == null,
        ["民族 ne '汉族'"] = r => r.Ethnicity != "汉族",
        ["not (民族 eq '汉族')"] = r => r.Ethnicity != "汉族",
        ["迁入日期 gt 2000-01-01"] = r => r.MoveInDate > new DateOnly(2000, 1, 1),
        ["not (迁入日期 gt 2000-01-01)"] = r => !(r.MoveInDate > new DateOnly(2000, 1, 1)),
        ["出生日期 ge 1990-01-01 and 出生日期 lt 2000-01-01"] = r => r.BirthDate >= new DateOnly(1990, 1, 1) && r.BirthDate < new DateOnly(2000, 1, 1),
        ["year(出生日期) eq 1985"] = r => r.BirthDate.Year == 1985,
        ["month(出生日期) eq 2 and day(出生日期) le 10"] = r => r.BirthDate.Month == 2 && r.BirthDate.Day <= 10,
        ["人员类型 in ('流动','境外')"] = r => r.PersonType is "流动" or "境外",
        ["人员状态 in ('迁出', null)"] = r => r.Status is "迁出" or null,
        ["contains(姓名,'欧阳')"] = r => r.Name.Contains("欧阳", StringComparison.Ordinal),
        ["startswith(姓名,'张') or endswith(姓名,'伟')"] = r => r.Name.StartsWith('张') || r.Name.EndsWith('伟'),
        ["length(姓名) eq 2"] = r => r.Name.Length == 2,
        ["indexof(姓名,'伟') eq 1"] = r => r.Name.IndexOf('伟', StringComparison.Ordinal) == 1,
        ["substring(社区代码, 9) eq '001'"] = r => r.CommunityCode[9..] == "001",
        ["substring(社区代码, 6, 3) eq '002'"] = r => r.CommunityCode.Substring(6, 3) == "002",
        ["tolower(toupper(记录编号)) eq 记录编号"] = _ => true,
        ["trim(concat(' ', 姓名)) eq 姓名"] = _ => true,
        ["concat(所属社区, 人员类型) eq '文枢社区流动'"] = r => r.CommunityName + r.PersonType == "文枢社区流动",
        ["更新时间 ge 2024-01-01T00:00:00Z"] = r => r.UpdatedAt >= Jan2024,
        ["更新时间 lt 2023-06-01T08:00:00+08:00"] = r => r.UpdatedAt < new DateTimeOffset(2023, 6, 1, 8, 0, 0, TimeSpan.FromHours(8)),
        ["hour(更新时间) eq 13"] = r => r.UpdatedAt?.UtcDateTime.Hour == 13,
        ["minute(更新时间) eq 30 and second(更新时间) eq 0"] = r => r.UpdatedAt?.UtcDateTime.Minute == 30,
        ["date(更新时间) eq 2023-05-05"] = r => r.UpdatedAt is { } t && DateOnly.FromDateTime(t.UtcDateTime) == new DateOnly(2023, 5, 5),
        ["现住址 eq 户籍地址"] = r => r.CurrentAddress == r.HouseholdAddress,
        ["现住址 ne 户籍地址"] = r => r.CurrentAddress != r.HouseholdAddress,
        ["人员状态 eq null or 人员状态 eq '迁出'"] = r => r.Status is null or "迁出",
        ["not (人员状态 eq '在住' or 人员状态 eq '死亡')"] = r => r.Status is not ("在住" or "死亡"),
        ["not contains(现住址, '幸福路')"] = r => r.CurrentAddress is { } a && !a.Contains("幸福路", StringComparison.Ordinal),
        ["联系电话 gt '139' and 性别 eq '男'"] = r => r.Phone is { } p && string.CompareOrdinal(p, "139") > 0 && r.Gender == "男",
        ["社区代码 eq '320114001001'"] = _ => false,
        ["true"] = _ => true,
        ["false"] = _ => false,
    };

    private static readonly Dictionary<string, Func<HousingRow, bool>> HousingCases = new()
    {
        ["建筑面积 gt 100.5"] = r => r.BuildingArea > 100.5m,
        ["建筑面积 mul 2 gt 300"] = r => r.BuildingArea * 2 > 300,
        ["建筑面积 sub 20 ge 150.25"] = r => r.BuildingArea - 20 >= 150.25m,
        ["floor(建筑面积) eq 50 or ceiling(建筑面积) eq 60"] = r => Math.Floor(r.BuildingArea) == 50 || Math.Ceiling(r.BuildingArea) == 60,
        ["round(建筑面积) eq 100"] = r => Math.Round(r.BuildingArea, MidpointRounding.AwayFromZero) == 100,
        ["房间数 add 1 eq 4"] = r => r.RoomCount + 1 == 4,
        ["房间数 div 2 eq 1"] = r => r.RoomCount / 2 == 1,
        ["房间数 mod 3 eq 0"] = r => r.RoomCount % 3 == 0,
        ["-房间数 le -6"] = r => -r.RoomCount <= -6,
        ["租住人数 gt 100000000"] = r => r.ResidentCount > 100_000_000,
        ["租住人数 in (0, 5)"] = r => r.ResidentCount is 0 or 5,
        ["月租金 lt 1000.5"] = r => r.RentPrice < 1000.5,
        ["月租金 div 2 gt 3000"] = r => r.RentPrice / 2 > 3000,
        ["ceiling(月租金) gt 7000"] = r => r.RentPrice is { } p && Math.Ceiling(p) > 7000,
        ["是否出租"] = r => r.IsRented == true,
        ["not 是否出租"] = r => r.IsRented == false,
        ["是否出租 eq false or 是否出租 eq null"] = r => r.IsRented != true,
        ["建成日期 lt 1980-01-01"] = r => r.BuiltDate < new DateOnly(1980, 1, 1),
        ["更新时间 gt 2024-05-20T00:00:00+08:00"] = r => r.UpdatedAt > new DateTimeOffset(2024, 5, 20, 0, 0, 0, TimeSpan.FromHours(8)),
    };

    public static TheoryData<string> PopulationFilters => new(PopulationCases.Keys);

    public static TheoryData<string> HousingFilters => new(HousingCases.Keys);

    [Theory]
    [MemberData(nameof(PopulationFilters))]
    public async Task Filter_Population_MatchesLinq(string filter)
    {
        var expected = lake.Population.Where(Rows.InDistrict).Where(PopulationCases[filter]).Select(r => r.RecordId).Order(StringComparer.Ordinal).ToList();

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, $"Population?$filter={Uri.EscapeDataString(filter)}&$count=true&$select=记录编号", pageSize: 1000);

        Assert.Equal(expected, Rows.Keys(Rows.All(pages)).Order(StringComparer.Ordinal));
        Assert.All(pages, p => Assert.Equal(expected.Count, p.Count()));
    }

    [Theory]
    [MemberData(nameof(HousingFilters))]
    public async Task Filter_Housing_MatchesLinq(string filter)
    {
        var expected = lake.Housing.Where(Rows.InDistrict).Where(HousingCases[filter]).Select(r => r.HouseId).Order(StringComparer.Ordinal).ToList();

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, $"Housing?$filter={Uri.EscapeDataString(filter)}&$select=房屋编号");

        Assert.Equal(expected, Rows.Keys(Rows.All(pages), "房屋编号").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Filter_ManyAlternatives_FlattenedAndAnswered()
    {
        var wanted = lake.Population.Where(Rows.InDistrict).Take(150).Select(r => r.RecordId).ToList();
        var filter = string.Join(" or ", wanted.Select(k => $"记录编号 eq '{k}'"));

        var response = await lake.Client.GetAsync(Principals.Steward, $"Population?$filter={Uri.EscapeDataString(filter)}&$select=记录编号");

        Assert.Equal(200, response.Status);
        Assert.Equal(wanted.Order(StringComparer.Ordinal), Rows.Keys(response.Rows()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Filter_LiteralLookingLikeSql_IsJustAValue()
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "Population?$filter=" + Uri.EscapeDataString("姓名 eq 'x'' OR 1=1 --'"));
        Assert.Equal(200, response.Status);
        Assert.Empty(response.Rows());
    }
}
