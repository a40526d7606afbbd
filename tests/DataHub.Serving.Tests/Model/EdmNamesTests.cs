using DataHub.Serving.Model;
using Xunit;

namespace DataHub.Serving.Tests.Model;

public sealed class EdmNamesTests
{
    [Theory]
    [InlineData("公民身份号码", "公民身份号码")]
    [InlineData("建筑面积（平方米）", "建筑面积_平方米_")]
    [InlineData("2024年 人口", "_2024年_人口")]
    [InlineData("a-b.c", "a_b_c")]
    public void Sanitize_Title_BecomesSimpleIdentifier(string title, string expected)
    {
        Assert.Equal(expected, EdmNames.Sanitize(title));
    }

    [Fact]
    public void Sanitize_LongTitle_CutTo128()
    {
        Assert.Equal(128, EdmNames.Sanitize(new string('名', 300)).Length);
    }

    [Fact]
    public void Claim_NamesDifferingOnlyByCase_GetSuffix()
    {
        var names = new EdmNames();
        Assert.Equal("Name", names.Claim("Name", "a"));
        Assert.Equal("name_2", names.Claim("name", "b"));
        Assert.Equal("fallback", names.Claim("（）", "fallback"));
    }
}
