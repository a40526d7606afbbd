using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class EthnicityTests
{
    [Fact]
    public void All_GbT3304_Lists56DistinctGroupsEndingIn族()
    {
        Assert.Equal(56, Ethnicity.All.Count);
        Assert.Equal(56, Ethnicity.All.Distinct(StringComparer.Ordinal).Count());
        Assert.All(Ethnicity.All, n => Assert.EndsWith("族", n, StringComparison.Ordinal));
        Assert.Equal("汉族", Ethnicity.All[0]);
    }

    [Theory]
    [InlineData("汉族", "汉族")]
    [InlineData("01", "汉族")]
    [InlineData("3", "回族")]
    [InlineData("56", "基诺族")]
    [InlineData("汉", "汉族")]
    [InlineData("回", "回族")]
    [InlineData(" 维吾尔族 ", "维吾尔族")]
    [InlineData("蒙古", "蒙古族")]
    [InlineData("基诺族", "基诺族")]
    [InlineData("其他", "其他")]
    [InlineData("外国血统中国籍人士", "外国血统中国籍人士")]
    public void Normalize_KnownNameOrShortForm_ReturnsFullName(string raw, string expected)
    {
        var result = Ethnicity.Normalize(raw);

        Assert.True(result.IsOk);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("族")]
    [InlineData("火星族")]
    [InlineData("57")]
    [InlineData("00")]
    [InlineData("Han")]
    public void Normalize_UnknownName_FailsWithEthnicityCode(string raw)
    {
        var result = Ethnicity.Normalize(raw);

        Assert.False(result.IsOk);
        Assert.Equal("ETHNICITY_CODE", result.ReasonCode);
    }
}
