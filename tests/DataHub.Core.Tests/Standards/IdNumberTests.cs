using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class IdNumberTests
{
    [Theory]
    [InlineData("320113198001010015")]
    [InlineData("110105199003071239")]
    [InlineData("32011319850615118X")]
    public void Normalize_ValidNumber_ReturnsItUnchanged(string id)
    {
        var result = IdNumber.Normalize(id);

        Assert.True(result.IsOk);
        Assert.Null(result.ReasonCode);
        Assert.Equal(id, result.Value);
    }

    [Theory]
    [InlineData("３２０１１３１９８００１０１００１５", "320113198001010015")]
    [InlineData("32011319850615118x", "32011319850615118X")]
    [InlineData(" 320113 19800101 0015 ", "320113198001010015")]
    [InlineData("３２０１１３１９８５０６１５１１８ｘ", "32011319850615118X")]
    public void Normalize_FullWidthLowercaseOrSpaced_ReturnsCanonicalNumber(string raw, string expected)
    {
        var result = IdNumber.Normalize(raw);

        Assert.True(result.IsOk);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("320113800101001")]
    [InlineData("110105900307123")]
    [InlineData("320113850615118")]
    public void Normalize_Legacy15Digits_UpgradesWithCenturyAndCheckChar(string legacy)
    {
        var first17 = string.Concat(legacy.AsSpan(0, 6), "19", legacy.AsSpan(6));
        var expected = first17 + Mod11_2(first17);

        var result = IdNumber.Normalize(legacy);

        Assert.True(result.IsOk);
        Assert.Equal(expected, result.Value);
    }

    [Fact]
    public void Normalize_Legacy15Digits_MatchesTheDomainExamples()
    {
        Assert.Equal("320113198001010015", IdNumber.Normalize("320113800101001").Value);
        Assert.Equal("110105199003071239", IdNumber.Normalize("110105900307123").Value);
    }

    [Theory]
    [InlineData("320113198001010015")]
    [InlineData("110105199003071239")]
    [InlineData("32011319850615118X")]
    [InlineData("320113198506151024")]
    public void CheckChar_First17Digits_EqualsIso7064Mod11_2(string id)
    {
        Assert.Equal(Mod11_2(id[..17]), IdNumber.CheckChar(id.AsSpan(0, 17)));
        Assert.Equal(id[17], IdNumber.CheckChar(id.AsSpan(0, 17)));
    }

    [Theory]
    [InlineData("320113198001010016")]
    [InlineData("32011319800101001X")]
    [InlineData("110105199003071238")]
    public void Normalize_WrongCheckChar_FailsWithCheckDigit(string id)
    {
        var result = IdNumber.Normalize(id);

        Assert.False(result.IsOk);
        Assert.Equal("ID_CHECK_DIGIT", result.ReasonCode);
        Assert.Null(result.Value);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("32011319800101001")]
    [InlineData("3201131980010100155")]
    [InlineData("32011380010100")]
    [InlineData("32011380010100X")]
    public void Normalize_WrongLength_FailsWithLength(string id)
    {
        var result = IdNumber.Normalize(id);

        Assert.False(result.IsOk);
        Assert.Equal("ID_LENGTH", result.ReasonCode);
    }

    [Theory]
    [InlineData("3201131980A1010015")]
    [InlineData("32011319800101001Y")]
    public void Normalize_NonDigitCharacters_FailsWithFormat(string id)
    {
        Assert.Equal("ID_FORMAT", IdNumber.Normalize(id).ReasonCode);
    }

    [Theory]
    [InlineData("320113198002300012")] // 30 February
    [InlineData("320113198013010012")] // month 13
    [InlineData("320113198001000012")] // day 0
    [InlineData("320113187001010012")] // before 1880
    [InlineData("320113190002290012")] // 1900 is not a leap year
    public void Normalize_ImpossibleBirthDate_FailsWithBirthDate(string id)
    {
        Assert.Equal("ID_BIRTH_DATE", IdNumber.Normalize(id).ReasonCode);
    }

    [Theory]
    [InlineData("990113198001010015")]
    [InlineData("000113198001010015")]
    [InlineData("100113198001010015")]
    public void Normalize_UnknownProvince_FailsWithAddressCode(string id)
    {
        Assert.Equal("ID_ADDRESS_CODE", IdNumber.Normalize(id).ReasonCode);
    }

    [Fact]
    public void Normalize_LeapDayBirth_IsAccepted()
    {
        var first17 = "32011320000229001";

        var result = IdNumber.Normalize(first17 + Mod11_2(first17));

        Assert.True(result.IsOk);
    }

    [Theory]
    [InlineData("320113198001010015", "男")]
    [InlineData("110105199003071239", "男")]
    [InlineData("320113198506151024", "女")]
    [InlineData("32011319850615118X", "女")]
    public void Gender_SequenceDigit_OddIsMaleEvenIsFemale(string id, string expected)
    {
        Assert.Equal(expected, IdNumber.Gender(id));
    }

    [Theory]
    [InlineData("320113198001010015", 1980, 1, 1)]
    [InlineData("110105199003071239", 1990, 3, 7)]
    [InlineData("320113198506151024", 1985, 6, 15)]
    public void BirthDate_ValidNumber_ReturnsDigits7To14(string id, int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), IdNumber.BirthDate(id));
    }

    [Theory]
    [InlineData("320113198002300012")]
    [InlineData("320113187912310012")]
    public void BirthDate_ImpossibleDate_ReturnsNull(string id)
    {
        Assert.Null(IdNumber.BirthDate(id));
    }

    /// <summary>
    /// ISO 7064 MOD 11-2 from its definition, independent of the production weight table: the
    /// character at position i counted from the right (check character = 1) weighs 2^(i-1) mod 11,
    /// and the check value is (12 - sum mod 11) mod 11, written X for 10.
    /// </summary>
    private static char Mod11_2(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var position = 18 - i;
            sum += (first17[i] - '0') * ((1 << (position - 1)) % 11);
        }
        var check = (12 - sum % 11) % 11;
        return check == 10 ? 'X' : (char)('0' + check);
    }
}
