using System.Globalization;
using System.Text.RegularExpressions;

namespace DataHub.Core.Standards;

/// <summary>
/// Dates as department exports write them: <c>2024-01-05</c>, <c>2024/1/5</c>, <c>2024.1.5</c>,
/// <c>20240105</c>, <c>2024年1月5日</c>, and Excel serial numbers; optionally followed by a time.
/// Times without an offset are Beijing time (UTC+08:00).
/// </summary>
public static partial class ChineseDate
{
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    private static readonly string[] IsoWithOffset =
        ["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", "yyyy-MM-ddTHH:mm:ss'Z'", "yyyy-MM-ddTHH:mm:ss.FFFFFFF'Z'"];

    // Excel's 1900 date system counts from 1899-12-30 once its phantom 1900-02-29 is accounted for.
    private static readonly DateOnly ExcelEpoch = new(1899, 12, 30);

    // 日 may be followed by the time without a space (2024年1月5日8时30分); 分 may end the time.
    [GeneratedRegex(@"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:[ T]+|(?<=日))(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?秒?)?分?)?\s*(Z|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex Separated();

    [GeneratedRegex(@"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2}):?(\d{2})?)?$")]
    private static partial Regex Compact();

    public static StandardResult NormalizeDate(string raw)
    {
        var r = Parse(raw);
        return r is null
            ? StandardResult.Fail("DATE_FORMAT", "日期格式无法识别（可用 2024-01-05、2024/1/5、20240105、2024年1月5日）")
            : StandardResult.Ok(r.Value.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    public static StandardResult NormalizeDateTime(string raw)
    {
        var r = Parse(raw);
        return r is null
            ? StandardResult.Fail("DATETIME_FORMAT", "时间格式无法识别（可用 2024-01-05 08:30:00 或 2024/1/5 8:30）")
            : StandardResult.Ok(r.Value.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
    }

    /// <summary>The instant the text names, or null. A date alone means midnight Beijing time.</summary>
    public static DateTimeOffset? Parse(string raw)
    {
        var v = TextNormalizer.TrimAll(TextNormalizer.ToHalfWidth(raw));
        if (v.Length == 0) return null;
        // ISO 8601 with an explicit offset only: "K" also matches no offset, and .NET then assumes the
        // machine's zone; text without an offset is Beijing time and is left to the patterns below.
        if (v.Contains('T', StringComparison.Ordinal) &&
            DateTimeOffset.TryParseExact(v, IsoWithOffset, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
            return iso;
        // The commonest export forms, without a regex: 2024-01-05 and 2024-01-05 08:30:00 (Beijing time).
        if (v.Length is 10 or 19 && v[4] == '-' && v[7] == '-' &&
            (TryPlainIso(v, out var plain) ||
             DateTime.TryParseExact(v, v.Length == 10 ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out plain)))
            return plain.Year is < 1880 or > 2200 ? null : new DateTimeOffset(plain, BeijingOffset);
        var m = Separated().Match(v);
        if (!m.Success) m = Compact().Match(v);
        if (m.Success) return Build(m);
        // Excel serial day numbers (with an optional fraction of a day), 1908..2201: smaller numbers are
        // far more likely a bare year or a typo than a date in the 1900s.
        if (double.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var serial) && serial is >= 3000 and < 110_000)
        {
            var day = ExcelEpoch.AddDays((int)Math.Floor(serial));
            var time = TimeSpan.FromDays(serial - Math.Floor(serial));
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue) + TimeSpan.FromSeconds(Math.Round(time.TotalSeconds)), BeijingOffset);
        }
        return null;
    }

    /// <summary>
    /// <c>2024-01-05</c> or <c>2024-01-05 08:30:00</c> read digit by digit: what DateTime.TryParseExact
    /// with those formats accepts, without its culture-aware matching of the separators, which cost
    /// more than the rest of a record's checks together (an ingest reads one or two per record). False
    /// for anything else, which then goes the general way (the result is the same either way).
    /// </summary>
    internal static bool TryPlainIso(string v, out DateTime value)
    {
        value = default;
        if (v.Length is not (10 or 19) || v[4] != '-' || v[7] != '-') return false;
        if (!Digits(v, 0, 4, out var y) || !Digits(v, 5, 2, out var mo) || !Digits(v, 8, 2, out var d)) return false;
        if (y < 1 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo)) return false;
        int h = 0, mi = 0, s = 0;
        if (v.Length == 19 && (v[10] != ' ' || v[13] != ':' || v[16] != ':' || !Digits(v, 11, 2, out h) || !Digits(v, 14, 2, out mi) || !Digits(v, 17, 2, out s)
            || h > 23 || mi > 59 || s > 59))
            return false;
        value = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Unspecified);
        return true;
    }

    private static bool Digits(string v, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = v[i];
            if (c is < '0' or > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    private static DateTimeOffset? Build(Match m)
    {
        static int G(Match m, int i) => m.Groups[i].Success && m.Groups[i].Length > 0 ? int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        int y = G(m, 1), mo = G(m, 2), d = G(m, 3), h = G(m, 4), mi = G(m, 5), s = G(m, 6);
        if (y < 1880 || y > 2200 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 59)
            return null;
        var offset = BeijingOffset;
        if (m.Groups.Count > 7 && m.Groups[7].Success)
        {
            var z = m.Groups[7].Value;
            offset = z == "Z" ? TimeSpan.Zero : TimeSpan.ParseExact(z.TrimStart('+', '-').Replace(":", "", StringComparison.Ordinal), "hhmm", CultureInfo.InvariantCulture) * (z[0] == '-' ? -1 : 1);
        }
        return new DateTimeOffset(y, mo, d, h, mi, s, offset);
    }
}
