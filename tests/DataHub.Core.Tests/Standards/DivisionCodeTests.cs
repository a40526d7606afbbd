using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class DivisionCodeTests
{
    // A slice of the 2023 reference table (reference/divisions): 南京市栖霞区 尧化街道.
    private static readonly InMemoryDivisions Divisions = new(
        new DivisionInfo("32", "江苏省", DivisionLevel.Province, null),
        new DivisionInfo("3201", "南京市", DivisionLevel.City, "32"),
        new DivisionInfo("320113", "栖霞区", DivisionLevel.District, "3201"),
        new DivisionInfo("320113001", "尧化街道", DivisionLevel.Street, "320113"),
        new DivisionInfo("320113001001", "尧化社区居委会", DivisionLevel.Community, "320113001"),
        new DivisionInfo("320113001002", "尧石二村社区居委会", DivisionLevel.Community, "320113001"),
        // A reference row whose level disagrees with its code length: must not pass as a community.
        new DivisionInfo("320113001999", "错误层级", DivisionLevel.Street, "320113001"));

    [Theory]
    [InlineData("32", DivisionLevel.Province)]
    [InlineData("3201", DivisionLevel.City)]
    [InlineData("320113", DivisionLevel.District)]
    [InlineData("320113001", DivisionLevel.Street)]
    [InlineData("320113001001", DivisionLevel.Community)]
    public void LevelOf_CodeOfLevelLength_ReturnsLevel(string code, DivisionLevel expected)
    {
        Assert.Equal(expected, DivisionCode.LevelOf(code));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("32011")]
    [InlineData("3201130010")]
    [InlineData("3201130010011")]
    [InlineData("32011300100A")]
    [InlineData("３２０１１３")]
    public void LevelOf_OtherLengthOrNonDigits_ReturnsNull(string code)
    {
        Assert.Null(DivisionCode.LevelOf(code));
    }

    [Theory]
    [InlineData("320113001001", "320113001001", true)]
    [InlineData("320113001001", "320113001", true)]
    [InlineData("320113001001", "320113", true)]
    [InlineData("320113001001", "3201", true)]
    [InlineData("320113001001", "32", true)]
    [InlineData("320113002001", "320113001", false)]
    [InlineData("320114001001", "320113", false)]
    [InlineData("510107001001", "320113", false)]
    [InlineData("320113", "320113001", false)]
    public void IsWithin_CodeAndScope_IsPrefixContainment(string code, string scope, bool expected)
    {
        Assert.Equal(expected, DivisionCode.IsWithin(code, scope));
    }

    [Theory]
    [InlineData("11")]
    [InlineData("32")]
    [InlineData("65")]
    [InlineData("71")]
    [InlineData("81")]
    [InlineData("82")]
    public void IsKnownProvince_GbT2260Province_ReturnsTrue(string code)
    {
        Assert.True(DivisionCode.IsKnownProvince(code));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("10")]
    [InlineData("16")]
    [InlineData("99")]
    public void IsKnownProvince_OtherTwoDigits_ReturnsFalse(string code)
    {
        Assert.False(DivisionCode.IsKnownProvince(code));
    }

    [Theory]
    [InlineData("320113001001")]
    [InlineData(" 320113 001 001 ")]
    [InlineData("３２０１１３００１００１")]
    public void NormalizeCommunity_KnownCommunity_ReturnsTwelveDigits(string raw)
    {
        var result = DivisionCode.NormalizeCommunity(raw, Divisions);

        Assert.True(result.IsOk);
        Assert.Equal("320113001001", result.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("320113001")]
    [InlineData("320113")]
    [InlineData("3201130010010")]
    [InlineData("32011300100A")]
    public void NormalizeCommunity_WrongShape_FailsWithFormat(string raw)
    {
        var result = DivisionCode.NormalizeCommunity(raw, Divisions);

        Assert.False(result.IsOk);
        Assert.Equal("DIVISION_FORMAT", result.ReasonCode);
    }

    [Theory]
    [InlineData("320113001003")] // not in the table (merged or mistyped)
    [InlineData("320113001000")] // a street padded with zeros is not a community
    [InlineData("320113000000")] // a district padded with zeros
    [InlineData("320113001999")] // in the table, but not at community level
    public void NormalizeCommunity_NotACommunityOfTheTable_FailsWithUnknown(string raw)
    {
        var result = DivisionCode.NormalizeCommunity(raw, Divisions);

        Assert.False(result.IsOk);
        Assert.Equal("DIVISION_UNKNOWN", result.ReasonCode);
    }

    [Fact]
    public void NormalizeCommunity_VeryLongInput_EchoesAtMost14Characters()
    {
        var result = DivisionCode.NormalizeCommunity(new string('9', 200), Divisions);

        Assert.Equal("DIVISION_FORMAT", result.ReasonCode);
        Assert.DoesNotContain(new string('9', 15), result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeDistrict_KnownDistrict_ReturnsSixDigits()
    {
        Assert.Equal("320113", DivisionCode.NormalizeDistrict(" 320113 ", Divisions).Value);
    }

    [Theory]
    [InlineData("320114", "DIVISION_UNKNOWN")]
    [InlineData("320113001", "DIVISION_FORMAT")]
    [InlineData("3201", "DIVISION_FORMAT")]
    public void NormalizeDistrict_UnknownOrWrongShape_Fails(string raw, string reason)
    {
        Assert.Equal(reason, DivisionCode.NormalizeDistrict(raw, Divisions).ReasonCode);
    }

    private sealed class InMemoryDivisions(params DivisionInfo[] divisions) : IDivisionDirectory
    {
        private readonly Dictionary<string, DivisionInfo> _byCode = divisions.ToDictionary(d => d.Code, StringComparer.Ordinal);

        public DivisionInfo? Find(string code) => _byCode.GetValueOrDefault(code);
    }
}
