using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class MobileNumberTests
{
    [Theory]
    [InlineData("13800138000")]
    [InlineData("+8613800138000")]
    [InlineData("+86 138 0013 8000")]
    [InlineData("138-0013-8000")]
    [InlineData("+86-138-0013-8000")]
    [InlineData("008613800138000")]
    [InlineData("8613800138000")]
    [InlineData("(+86) 138 0013 8000")]
    [InlineData("１３８００１３８０００")]
    [InlineData("138\u00A00013\u30008000")]
    public void Normalize_DecoratedMobile_ReturnsElevenDigits(string raw)
    {
        var result = MobileNumber.Normalize(raw);

        Assert.True(result.IsOk);
        Assert.Equal("13800138000", result.Value);
    }

    [Theory]
    [InlineData("19912345678")]
    [InlineData("15012345678")]
    public void Normalize_EverySecondDigitFrom3To9_IsAccepted(string raw)
    {
        Assert.Equal(raw, MobileNumber.Normalize(raw).Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12800138000")] // second digit 2
    [InlineData("10800138000")]
    [InlineData("23800138000")]
    [InlineData("1380013800")] // 10 digits
    [InlineData("138001380001")] // 12 digits
    [InlineData("025-83591234")] // landline
    [InlineData("1380013800O")] // letter O for zero
    [InlineData("+8513800138000")]
    public void Normalize_NotAMobile_FailsWithPhoneFormat(string raw)
    {
        var result = MobileNumber.Normalize(raw);

        Assert.False(result.IsOk);
        Assert.Equal("PHONE_FORMAT", result.ReasonCode);
        Assert.Null(result.Value);
    }
}
