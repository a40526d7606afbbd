using DataHub.Pipelines.Resolution;
using Xunit;

namespace DataHub.Pipelines.Tests.Resolution;

public sealed class AddressMatcherTests
{
    private static readonly StandardAddress Room1502 = new("A1", "320113002001", "江苏省南京市栖霞区马群街道马群社区仙林大道88号青马小区3栋2单元1502室", "仙林大道", "88号", "青马小区", "3栋", "2单元", "1502");
    private static readonly StandardAddress Room1501 = new("A2", "320113002001", "江苏省南京市栖霞区马群街道马群社区仙林大道88号青马小区3栋2单元1501室", "仙林大道", "88号", "青马小区", "3栋", "2单元", "1501");
    private static readonly StandardAddress OtherArea = new("A3", "320113002002", "江苏省南京市栖霞区马群街道青马社区文苑路9号文苑小区1栋1单元101室", "文苑路", "9号", "文苑小区", "1栋", "1单元", "101");
    private static readonly StandardAddress TwinA = new("A4", "320113002002", "江苏省南京市栖霞区马群街道青马社区学海路1号东区2栋1单元101室", "学海路", "1号", "东区", "2栋", "1单元", "101");
    private static readonly StandardAddress TwinB = new("A5", "320113002002", "江苏省南京市栖霞区马群街道青马社区学海路1号西区2栋1单元101室", "学海路", "1号", "西区", "2栋", "1单元", "101");

    private readonly AddressMatcher _matcher = new([Room1502, Room1501, OtherArea, TwinA, TwinB]);

    [Fact]
    public void Match_SameText_IsExact()
    {
        var m = _matcher.Match(" 江苏省南京市栖霞区马群街道马群社区仙林大道８８号青马小区3栋2单元1502室 ");
        Assert.Equal(AddressMatchKind.Exact, m.Kind);
        Assert.Same(Room1502, m.Address);
        Assert.True(m.IsCertain);
    }

    [Fact]
    public void Match_ShorthandWithoutAdministrativePart_IsNormalised()
    {
        var m = _matcher.Match("仙林大道88号青马小区3-2-1502");
        Assert.Equal(AddressMatchKind.Normalised, m.Kind);
        Assert.Same(Room1502, m.Address);
        Assert.True(m.IsCertain);
    }

    [Fact]
    public void Match_AreaLeftOut_IsProbableAndNotCertain()
    {
        var m = _matcher.Match("仙林大道88号3幢二单元1501室");
        Assert.Equal(AddressMatchKind.Probable, m.Kind);
        Assert.Same(Room1501, m.Address);
        Assert.False(m.IsCertain);
    }

    [Fact]
    public void Match_RoadLeftOut_IsProbableByArea()
    {
        var m = _matcher.Match("文苑小区1栋1单元101室");
        Assert.Equal(AddressMatchKind.Probable, m.Kind);
        Assert.Same(OtherArea, m.Address);
    }

    [Fact]
    public void Match_TwoCandidates_IsNone()
    {
        // 学海路1号 has the same building, unit and room in two areas: without the area it is ambiguous.
        Assert.Equal(AddressMatchKind.None, _matcher.Match("学海路1号2栋1单元101室").Kind);
    }

    [Theory]
    [InlineData("仙林大道88号青马小区3栋2单元1999室")]
    [InlineData("不知道")]
    [InlineData("")]
    public void Match_Unknown_IsNone(string text)
    {
        var m = _matcher.Match(text);
        Assert.Equal(AddressMatchKind.None, m.Kind);
        Assert.Null(m.Address);
    }
}
