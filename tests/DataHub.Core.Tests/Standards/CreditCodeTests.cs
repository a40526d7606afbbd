using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class CreditCodeTests
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    [Theory]
    [InlineData("91320113MA1X000004")]
    [InlineData("91320113302500000B")]
    public void Normalize_ValidCode_ReturnsItWithoutWarning(string code)
    {
        var result = CreditCode.Normalize(code);

        Assert.True(result.IsOk);
        Assert.False(result.IsWarning);
        Assert.Null(result.ReasonCode);
        Assert.Equal(code, result.Value);
    }

    [Theory]
    [InlineData("91320113ma1x000004", "91320113MA1X000004")]
    [InlineData(" 9132 0113 MA1X 000004 ", "91320113MA1X000004")]
    [InlineData("９１３２０１１３ＭＡ１Ｘ０００００４", "91320113MA1X000004")]
    public void Normalize_LowercaseSpacedOrFullWidth_ReturnsCanonicalCode(string raw, string expected)
    {
        var result = CreditCode.Normalize(raw);

        Assert.True(result.IsOk);
        Assert.False(result.IsWarning);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("91320113MA1X000005")]
    [InlineData("91320113302500000C")]
    public void Normalize_WrongCheckChar_KeepsValueWithWarning(string code)
    {
        var result = CreditCode.Normalize(code);

        Assert.True(result.IsOk);
        Assert.True(result.IsWarning);
        Assert.Equal("CREDIT_CODE_CHECK", result.ReasonCode);
        Assert.Equal(code, result.Value);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [Theory]
    [InlineData("91320113MA1I000004")]
    [InlineData("91320113MA1O000004")]
    [InlineData("91320113MA1Z000004")]
    [InlineData("91320113MA1S000004")]
    [InlineData("91320113MA1V000004")]
    [InlineData("91320113MA1X00000-")]
    public void Normalize_ForbiddenCharacter_FailsWithFormat(string code)
    {
        var result = CreditCode.Normalize(code);

        Assert.False(result.IsOk);
        Assert.Equal("CREDIT_CODE_FORMAT", result.ReasonCode);
        Assert.Null(result.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("91320113MA1X00000")]
    [InlineData("91320113MA1X0000044")]
    public void Normalize_WrongLength_FailsWithLength(string code)
    {
        Assert.Equal("CREDIT_CODE_LENGTH", CreditCode.Normalize(code).ReasonCode);
    }

    [Theory]
    [InlineData("91320113MA1X000004")]
    [InlineData("91320113302500000B")]
    [InlineData("12100000400000624D")]
    public void CheckChar_First17_EqualsMod31FromPowersOfThree(string code)
    {
        Assert.Equal(Mod31(code[..17]), CreditCode.CheckChar(code.AsSpan(0, 17)));
    }

    [Fact]
    public void CheckChar_CharacterOutsideAlphabet_ReturnsNull()
    {
        Assert.Null(CreditCode.CheckChar("91320113MA1I00000"));
    }

    /// <summary>GB 32100-2015 check from its definition: weight i is 3^i mod 31, check = (31 - sum mod 31) mod 31.</summary>
    private static char Mod31(string first17)
    {
        int sum = 0, weight = 1;
        foreach (var c in first17)
        {
            sum += Alphabet.IndexOf(c, StringComparison.Ordinal) * weight;
            weight = weight * 3 % 31;
        }
        return Alphabet[(31 - sum % 31) % 31];
    }
}
