using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class StandardRegistryTests
{
    private sealed class NoDivisions : IDivisionDirectory
    {
        public DivisionInfo? Find(string code) => null;
    }

    [Theory]
    [InlineData("GB 11643-1999")]
    [InlineData("GB 32100-2015")]
    [InlineData("GB/T 2260-2007")]
    [InlineData("统计用区划代码")]
    [InlineData("GB/T 2261.1-2003")]
    [InlineData("GB/T 3304-1991")]
    [InlineData("CN-MOBILE")]
    [InlineData("ICD-10")]
    [InlineData("GB/T 4754-2017")]
    public void IsKnown_RegisteredStandard_ReturnsTrue(string standard)
    {
        Assert.True(StandardRegistry.IsKnown(standard));
        Assert.Contains(standard, StandardRegistry.Known);
    }

    [Theory]
    [InlineData("GB 11643")]
    [InlineData("gb 11643-1999")]
    [InlineData("ISO 3166")]
    public void IsKnown_OtherName_ReturnsFalse(string standard)
    {
        Assert.False(StandardRegistry.IsKnown(standard));
    }

    [Fact]
    public void Apply_UnknownStandard_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => StandardRegistry.Apply("ISO 3166", "CN", new NoDivisions()));
    }

    [Theory]
    [InlineData("GB 11643-1999", "320113800101001", "320113198001010015")]
    [InlineData("GB 32100-2015", "91320113ma1x000004", "91320113MA1X000004")]
    [InlineData("CN-MOBILE", "+86 138 0013 8000", "13800138000")]
    [InlineData("GB/T 3304-1991", "汉", "汉族")]
    public void Apply_Standard_DelegatesToItsRule(string standard, string raw, string expected)
    {
        Assert.Equal(expected, StandardRegistry.Apply(standard, raw, new NoDivisions()).Value);
    }

    [Theory]
    [InlineData("男", "男")]
    [InlineData("男性", "男")]
    [InlineData("1", "男")]
    [InlineData("M", "男")]
    [InlineData("１", "男")]
    [InlineData("女", "女")]
    [InlineData("女性", "女")]
    [InlineData("2", "女")]
    [InlineData("f", "女")]
    public void Apply_GenderCode_ReturnsChineseName(string raw, string expected)
    {
        Assert.Equal(expected, StandardRegistry.Apply("GB/T 2261.1-2003", raw, new NoDivisions()).Value);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("9")]
    [InlineData("未知")]
    public void Apply_UnknownGender_FailsWithGenderCode(string raw)
    {
        Assert.Equal("GENDER_CODE", StandardRegistry.Apply("GB/T 2261.1-2003", raw, new NoDivisions()).ReasonCode);
    }

    [Theory]
    [InlineData("I10", "I10")]
    [InlineData("e11.9", "E11.9")]
    [InlineData(" E11 ", "E11")]
    [InlineData("C34.1", "C34.1")]
    public void Apply_IcdCode_ReturnsUppercaseCode(string raw, string expected)
    {
        Assert.Equal(expected, StandardRegistry.Apply("ICD-10", raw, new NoDivisions()).Value);
    }

    [Theory]
    [InlineData("I10;E11")]
    [InlineData("10")]
    [InlineData("I1")]
    [InlineData("高血压")]
    public void Apply_NotASingleIcdCode_FailsWithIcd10Format(string raw)
    {
        Assert.Equal("ICD10_FORMAT", StandardRegistry.Apply("ICD-10", raw, new NoDivisions()).ReasonCode);
    }

    [Theory]
    [InlineData("I6510", "I6510")]
    [InlineData("i65", "I65")]
    [InlineData("C", "C")]
    public void Apply_IndustryCode_ReturnsUppercaseCode(string raw, string expected)
    {
        Assert.Equal(expected, StandardRegistry.Apply("GB/T 4754-2017", raw, new NoDivisions()).Value);
    }

    [Theory]
    [InlineData("Z6510")]
    [InlineData("I6")]
    [InlineData("I65100")]
    [InlineData("6510")]
    public void Apply_NotAnIndustryCode_FailsWithIndustryFormat(string raw)
    {
        Assert.Equal("INDUSTRY_FORMAT", StandardRegistry.Apply("GB/T 4754-2017", raw, new NoDivisions()).ReasonCode);
    }

    [Fact]
    public void Apply_CommunityStandard_UsesTheDivisionDirectory()
    {
        Assert.Equal("DIVISION_UNKNOWN", StandardRegistry.Apply("统计用区划代码", "320113001001", new NoDivisions()).ReasonCode);
    }
}
