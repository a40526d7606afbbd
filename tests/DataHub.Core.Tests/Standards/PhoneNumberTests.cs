using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("025-84561234", "025-84561234")]
    [InlineData("(010)65432100", "010-65432100")]
    [InlineData("（010）65432100", "010-65432100")]
    [InlineData("025 8456 1234", "025-84561234")]
    [InlineData("02584561234", "025-84561234")]
    [InlineData("025-84561234-801", "025-84561234-801")]
    [InlineData("025-84561234转801", "025-84561234-801")]
    [InlineData("+86 25 84561234", "025-84561234")]
    [InlineData("0516-8123456", "0516-8123456")]
    [InlineData("05168123456", "0516-8123456")]
    [InlineData("13800138000", "13800138000")]
    [InlineData("+86 138-0013-8000", "13800138000")]
    public void Normalize_MobileOrLandline_ReturnsCanonicalForm(string raw, string expected)
    {
        var result = PhoneNumber.Normalize(raw);

        Assert.True(result.IsOk, raw);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("1234567")]          // no area code
    [InlineData("025-0123456")]      // local number starting 0
    [InlineData("011-65432100")]     // 011 is not an area code
    [InlineData("025-845612345")]    // 9-digit local number
    [InlineData("12800138000")]
    [InlineData("138****8000")]
    [InlineData("025-84561234-8012345")] // extension too long
    [InlineData("电话不详")]
    public void Normalize_NotAPhone_FailsWithPhoneFormat(string raw)
    {
        var result = PhoneNumber.Normalize(raw);

        Assert.False(result.IsOk, raw);
        Assert.Equal("PHONE_FORMAT", result.ReasonCode);
    }
}
