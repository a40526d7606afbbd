using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Standards;

public sealed class ChineseDateTests
{
    [Theory]
    [InlineData("2024-01-05")]
    [InlineData("2024/1/5")]
    [InlineData("2024/01/05")]
    [InlineData("2024.1.5")]
    [InlineData("2024-1-5")]
    [InlineData("20240105")]
    [InlineData("2024年1月5日")]
    [InlineData("2024年01月05日")]
    [InlineData("2024 年 1 月 5 日")]
    [InlineData("２０２４－０１－０５")]
    [InlineData("45296")]
    [InlineData(" 2024-01-05\u3000")]
    [InlineData("\uFEFF2024-01-05")]
    public void NormalizeDate_CommonExportForms_ReturnsIsoDate(string raw)
    {
        var result = ChineseDate.NormalizeDate(raw);

        Assert.True(result.IsOk);
        Assert.Equal("2024-01-05", result.Value);
    }

    [Theory]
    [InlineData("45292", "2024-01-01")]
    [InlineData("45351", "2024-02-29")]
    [InlineData("36526", "2000-01-01")]
    [InlineData("3000", "1908-03-18")]
    public void NormalizeDate_ExcelSerial_CountsFromTheExcelEpoch(string serial, string expected)
    {
        Assert.Equal(expected, ChineseDate.NormalizeDate(serial).Value);
    }

    [Theory]
    [InlineData("2024")]
    [InlineData("61")]
    public void NormalizeDate_SmallNumber_IsNotTakenForAnExcelSerial(string value)
    {
        Assert.Equal("DATE_FORMAT", ChineseDate.NormalizeDate(value).ReasonCode);
    }

    [Theory]
    [InlineData("2024-01-05 08:30:00", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024-01-05 08:30", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024/1/5 8:30", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024/1/5 8:30:15", "2024-01-05T08:30:15+08:00")]
    [InlineData("2024.1.5 23:59:59", "2024-01-05T23:59:59+08:00")]
    [InlineData("2024-01-05T08:30:00", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024-01-05T08:30:00.123", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024-01-05T08:30:00+08:00", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024-01-05T00:30:00Z", "2024-01-05T00:30:00+00:00")]
    [InlineData("2024-01-05 08:30:00 +0800", "2024-01-05T08:30:00+08:00")]
    [InlineData("20240105 083000", "2024-01-05T08:30:00+08:00")]
    [InlineData("20240105083000", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024年1月5日 8时30分", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024年1月5日8时30分", "2024-01-05T08:30:00+08:00")]
    [InlineData("2024年1月5日 8时30分15秒", "2024-01-05T08:30:15+08:00")]
    [InlineData("2024年1月5日 08：30：15", "2024-01-05T08:30:15+08:00")]
    [InlineData("45296.5", "2024-01-05T12:00:00+08:00")]
    [InlineData("45296.25", "2024-01-05T06:00:00+08:00")]
    [InlineData("2024-01-05", "2024-01-05T00:00:00+08:00")]
    public void NormalizeDateTime_WithTimePart_ReturnsIsoInstantBeijingByDefault(string raw, string expected)
    {
        var result = ChineseDate.NormalizeDateTime(raw);

        Assert.True(result.IsOk, result.Message);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("2024-01-05 08:30:00")]
    [InlineData("2024/1/5 8:30")]
    public void NormalizeDate_WithTimePart_KeepsTheDate(string raw)
    {
        Assert.Equal("2024-01-05", ChineseDate.NormalizeDate(raw).Value);
    }

    [Theory]
    [InlineData("2024-02-29")]
    [InlineData("2000-02-29")]
    [InlineData("2024年2月29日")]
    [InlineData("20240229")]
    public void NormalizeDate_LeapDayOfLeapYear_IsAccepted(string raw)
    {
        Assert.True(ChineseDate.NormalizeDate(raw).IsOk);
    }

    [Theory]
    [InlineData("2023-02-29")] // not a leap year
    [InlineData("1900-02-29")] // century, not divisible by 400
    [InlineData("2100-02-29")]
    [InlineData("2023年2月29日")]
    [InlineData("20230229")]
    public void NormalizeDate_LeapDayOfCommonYear_FailsWithDateFormat(string raw)
    {
        var result = ChineseDate.NormalizeDate(raw);

        Assert.False(result.IsOk);
        Assert.Equal("DATE_FORMAT", result.ReasonCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("2024-13-01")]
    [InlineData("2024-00-10")]
    [InlineData("2024-01-00")]
    [InlineData("2024-01-32")]
    [InlineData("2024-04-31")]
    [InlineData("2024/6/31")]
    [InlineData("20241301")]
    [InlineData("1879-12-31")]
    [InlineData("2024-01-05 24:00")]
    [InlineData("2024-01-05 08:60")]
    [InlineData("2024-01-05 08:30:60")]
    [InlineData("not a date")]
    [InlineData("05/01/2024")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("110000")]
    public void NormalizeDate_Invalid_FailsWithDateFormat(string raw)
    {
        var result = ChineseDate.NormalizeDate(raw);

        Assert.False(result.IsOk);
        Assert.Equal("DATE_FORMAT", result.ReasonCode);
        Assert.Null(result.Value);
    }

    [Fact]
    public void NormalizeDateTime_Invalid_FailsWithDateTimeFormat()
    {
        Assert.Equal("DATETIME_FORMAT", ChineseDate.NormalizeDateTime("2024-02-30 08:00").ReasonCode);
    }

    [Theory]
    [InlineData("2024-01-05T08:30:00.123+08:00", 8)]
    [InlineData("2024-01-05T00:30:00.123Z", 0)]
    public void Parse_IsoWithExplicitOffset_KeepsOffsetAndFraction(string raw, int offsetHours)
    {
        var parsed = ChineseDate.Parse(raw);

        Assert.NotNull(parsed);
        Assert.Equal(TimeSpan.FromHours(offsetHours), parsed.Value.Offset);
        Assert.Equal(123, parsed.Value.Millisecond);
    }

    [Fact]
    public void Parse_IsoWithoutOffset_IsBeijingTimeWhateverTheMachineZone()
    {
        // .NET's "K" pattern reads a missing offset as the machine's zone; a server in UTC would shift by 8 hours.
        var parsed = ChineseDate.Parse("2024-01-05T08:30:00");

        Assert.Equal(new DateTimeOffset(2024, 1, 5, 8, 30, 0, ChineseDate.BeijingOffset), parsed);
        Assert.Equal(ChineseDate.BeijingOffset, parsed!.Value.Offset);
    }

    [Fact]
    public void Parse_DateOnly_IsMidnightBeijingTime()
    {
        var parsed = ChineseDate.Parse("2024-01-05");

        Assert.Equal(new DateTimeOffset(2024, 1, 5, 0, 0, 0, ChineseDate.BeijingOffset), parsed);
        Assert.Equal(ChineseDate.BeijingOffset, parsed!.Value.Offset);
    }

    /// <summary>The digit-by-digit reading of the two commonest forms agrees with DateTime.TryParseExact on every kind of value, valid or not.</summary>
    [Theory]
    [InlineData("2024-01-05")]
    [InlineData("2024-02-29")]
    [InlineData("2023-02-29")]
    [InlineData("2024-13-01")]
    [InlineData("2024-00-10")]
    [InlineData("2024-04-31")]
    [InlineData("0000-01-01")]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("2024-1-05x")]
    [InlineData("2024-01-0a")]
    [InlineData("2024-01-05 08:30:00")]
    [InlineData("2024-01-05 23:59:59")]
    [InlineData("2024-01-05 24:00:00")]
    [InlineData("2024-01-05 08:60:00")]
    [InlineData("2024-01-05 08:30:60")]
    [InlineData("2024-01-05T08:30:00")]
    [InlineData("2024-01-05 08:30-00")]
    [InlineData("2024-01-05 8:30:000")]
    [InlineData("２０２４-01-05")]
    [InlineData("٢٠٢٤-01-05")]
    public void TryPlainIso_AgreesWithTryParseExact(string text)
    {
        var format = text.Length == 10 ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss";
        var expected = DateTime.TryParseExact(text, format, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed);

        var fast = ChineseDate.TryPlainIso(text, out var value);

        Assert.Equal(expected, fast);
        if (expected) Assert.Equal(parsed, value);
    }
}
