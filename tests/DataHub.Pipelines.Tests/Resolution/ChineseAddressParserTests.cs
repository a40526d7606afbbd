using DataHub.Pipelines.Resolution;
using Xunit;

namespace DataHub.Pipelines.Tests.Resolution;

public sealed class ChineseAddressParserTests
{
    [Fact]
    public void Parse_FullAddress_SplitsEveryLevel()
    {
        var a = ChineseAddressParser.Parse("江苏省南京市栖霞区马群街道马群社区仙林大道88号青马小区3幢二单元1502室");
        Assert.Equal("江苏省", a.Province);
        Assert.Equal("南京市", a.City);
        Assert.Equal("栖霞区", a.District);
        Assert.Equal("马群街道", a.Street);
        Assert.Equal("马群社区", a.Community);
        Assert.Equal("仙林大道", a.Road);
        Assert.Equal("88号", a.DoorNo);
        Assert.Equal("青马小区", a.ResidentialArea);
        Assert.Equal("3栋", a.Building);
        Assert.Equal("2单元", a.Unit);
        Assert.Equal("1502", a.Room);
    }

    [Theory]
    [InlineData("仙林大道88号青马小区3栋2单元1502室")]
    [InlineData("仙林大道８８号 青马小区 3号楼2单元1502")]
    [InlineData("仙林大道88号青马小区三幢二单元1502室")]
    [InlineData("仙林大道88号青马小区3-2-1502")]
    [InlineData("仙林大道88号青马小区3#2单元1502")]
    public void Parse_DepartmentVariants_GiveOnePlaceKey(string text)
    {
        Assert.Equal("仙林大道|88号|青马小区|3栋|2单元|1502", ChineseAddressParser.Parse(text).PlaceKey);
    }

    [Fact]
    public void Parse_Municipality_IsProvinceAndCity()
    {
        var a = ChineseAddressParser.Parse("北京市朝阳区建外街道建国路10号");
        Assert.Equal("北京市", a.Province);
        Assert.Equal("北京市", a.City);
        Assert.Equal("朝阳区", a.District);
        Assert.Equal("建外街道", a.Street);
        Assert.Equal("建国路", a.Road);
        Assert.Equal("10号", a.DoorNo);
    }

    [Fact]
    public void Parse_DoorOnly_HasNoBuilding()
    {
        var a = ChineseAddressParser.Parse("栖霞区文苑路1号");
        Assert.Equal("文苑路", a.Road);
        Assert.Equal("1号", a.DoorNo);
        Assert.Null(a.Building);
        Assert.Null(a.Unit);
        Assert.Null(a.Room);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Parse_Nothing_HasNoPlace(string? text)
    {
        Assert.True(ChineseAddressParser.Parse(text).HasNoPlace);
    }

    [Theory]
    [InlineData("三", "3")]
    [InlineData("十", "10")]
    [InlineData("十二", "12")]
    [InlineData("二十", "20")]
    [InlineData("二十三", "23")]
    [InlineData("一〇二", "102")]
    public void ChineseNumber_Words_AreArabic(string words, string expected)
    {
        Assert.Equal(expected, ChineseAddressParser.ChineseNumber(words));
    }
}
