using System.Globalization;

namespace DataHub.Core.Standards;

/// <summary>
/// Citizen identity number, GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit sequence
/// (odd = male), ISO 7064 MOD 11-2 check character.
/// </summary>
public static class IdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    /// <summary>The check character for the first 17 digits.</summary>
    public static char CheckChar(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * Weights[i];
        return CheckChars[sum % 11];
    }

    /// <summary>
    /// Normalises (full-width digits, spaces, lowercase x, 15-digit legacy numbers) and checks.
    /// Returns the 18-character number, or a reason code and a zh-CN message.
    /// </summary>
    public static StandardResult Normalize(string raw)
    {
        var v = TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(raw)).ToUpperInvariant();
        if (v.Length == 15 && v.All(char.IsAsciiDigit))
        {
            // Legacy numbers (before 1999) carry a 2-digit year of the 1900s and no check character.
            var first17 = string.Concat(v.AsSpan(0, 6), "19", v.AsSpan(6));
            v = first17 + CheckChar(first17);
        }
        if (v.Length != 18)
            return StandardResult.Fail("ID_LENGTH", $"公民身份号码应为18位（或15位旧号），实际为{v.Length}位");
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(v[i]))
                return StandardResult.Fail("ID_FORMAT", $"公民身份号码第{i + 1}位不是数字");
        }
        if (!char.IsAsciiDigit(v[17]) && v[17] != 'X')
            return StandardResult.Fail("ID_FORMAT", "公民身份号码第18位只能是数字或X");
        if (!DivisionCode.IsKnownProvince(v.AsSpan(0, 2)))
            return StandardResult.Fail("ID_ADDRESS_CODE", $"公民身份号码的地址码前两位{v[..2]}不是有效的省级代码");
        if (BirthDate(v) is null)
            return StandardResult.Fail("ID_BIRTH_DATE", "公民身份号码中的出生日期（第7-14位）不是有效日期");
        if (CheckChar(v) != v[17])
            return StandardResult.Fail("ID_CHECK_DIGIT", "公民身份号码校验码错误（GB 11643-1999 MOD 11-2）");
        return StandardResult.Ok(v);
    }

    /// <summary>The birth date an 18-digit number carries, or null if it is not a plausible date.</summary>
    public static DateOnly? BirthDate(string id18)
    {
        if (!DateOnly.TryParseExact(id18.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return null;
        return d.Year < 1880 ? null : d;
    }

    /// <summary>男 for an odd sequence digit, 女 for even (GB 11643 and GB/T 2261.1).</summary>
    public static string Gender(string id18) => (id18[16] - '0') % 2 == 1 ? "男" : "女";
}
