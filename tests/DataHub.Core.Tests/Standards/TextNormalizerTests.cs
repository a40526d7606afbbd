using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("１２３ＡＢＣａｂｃ", "123ABCabc")]
    [InlineData("（＋８６）", "(+86)")]
    [InlineData("２０２４－０１－０５", "2024-01-05")]
    [InlineData("a\u3000b", "a b")]
    [InlineData("～！", "~!")]
    [InlineData("张三　", "张三 ")]
    public void ToHalfWidth_FullWidthForms_BecomeAscii(string raw, string expected)
    {
        Assert.Equal(expected, TextNormalizer.ToHalfWidth(raw));
    }

    [Theory]
    [InlineData("张三")]
    [InlineData("2024-01-05")]
    [InlineData("")]
    public void ToHalfWidth_NothingToConvert_ReturnsSameInstance(string raw)
    {
        Assert.Same(raw, TextNormalizer.ToHalfWidth(raw));
    }

    [Theory]
    [InlineData(" 3201 13\t00\u00A01\u3000001\r\n", "320113001001")]
    [InlineData("张 三", "张三")]
    public void RemoveWhiteSpace_AnyWhiteSpace_IsRemoved(string raw, string expected)
    {
        Assert.Equal(expected, TextNormalizer.RemoveWhiteSpace(raw));
    }

    [Fact]
    public void RemoveWhiteSpace_NoWhiteSpace_ReturnsSameInstance()
    {
        const string value = "320113001001";

        Assert.Same(value, TextNormalizer.RemoveWhiteSpace(value));
    }

    [Theory]
    [InlineData("  张三  ", "张三")]
    [InlineData("\u3000张三\u3000", "张三")]
    [InlineData("\u00A0张三\u00A0", "张三")]
    [InlineData("\uFEFF张三", "张三")]
    [InlineData("张三\u200B", "张三")]
    [InlineData("\uFEFF 张三", "张三")]
    [InlineData("张三 \u200B", "张三")]
    [InlineData("\u200B \u3000\uFEFF张三\t\u200B\u00A0", "张三")]
    [InlineData("张 三", "张 三")]
    [InlineData("\u200B", "")]
    public void TrimAll_InvisibleCharactersAtEitherEnd_AreRemoved(string raw, string expected)
    {
        Assert.Equal(expected, TextNormalizer.TrimAll(raw));
    }
}
