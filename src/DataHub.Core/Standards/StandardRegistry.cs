using System.Text.RegularExpressions;

namespace DataHub.Core.Standards;

/// <summary>
/// The rules behind the <c>x-standard</c> keyword of the shared schema. Each takes the (trimmed)
/// source text and returns the normalised value or a reason. A test checks that every standard a
/// schema names has a rule here, so a schema cannot promise a check the code does not make.
/// </summary>
public static partial class StandardRegistry
{
    private static readonly Dictionary<string, Func<string, IDivisionDirectory, StandardResult>> Rules = new(StringComparer.Ordinal)
    {
        ["GB 11643-1999"] = (v, _) => IdNumber.Normalize(v),
        ["GB 32100-2015"] = (v, _) => CreditCode.Normalize(v),
        ["GB/T 2260-2007"] = DivisionCode.NormalizeDistrict,
        ["统计用区划代码"] = DivisionCode.NormalizeCommunity,
        ["GB/T 2261.1-2003"] = (v, _) => Gender(v),
        ["GB/T 3304-1991"] = (v, _) => Ethnicity.Normalize(v),
        ["CN-MOBILE"] = (v, _) => MobileNumber.Normalize(v),
        ["CN-PHONE"] = (v, _) => PhoneNumber.Normalize(v),
        ["ICD-10"] = (v, _) => Pattern(v.ToUpperInvariant(), IcdCode(), "ICD10_FORMAT", "疾病编码不是有效的 ICD-10 编码（如 I10、E11.9）"),
        ["GB/T 4754-2017"] = (v, _) => Pattern(v.ToUpperInvariant(), IndustryCode(), "INDUSTRY_FORMAT", "行业代码不是有效的 GB/T 4754 代码（门类字母加2-4位数字，如 I6510）"),
    };

    public static IReadOnlyCollection<string> Known => Rules.Keys;

    public static bool IsKnown(string standard) => Rules.ContainsKey(standard);

    public static StandardResult Apply(string standard, string value, IDivisionDirectory divisions) =>
        Rules.TryGetValue(standard, out var rule)
            ? rule(value, divisions)
            : throw new InvalidOperationException($"No rule for standard '{standard}'.");

    private static StandardResult Gender(string v) => TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(v)) switch
    {
        "男" or "男性" or "1" or "M" or "m" => StandardResult.Ok("男"),
        "女" or "女性" or "2" or "F" or "f" => StandardResult.Ok("女"),
        _ => StandardResult.Fail("GENDER_CODE", "性别应为“男”或“女”（GB/T 2261.1 代码 1/2 亦可）"),
    };

    private static StandardResult Pattern(string v, Regex regex, string code, string message)
    {
        var n = TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(v));
        return regex.IsMatch(n) ? StandardResult.Ok(n) : StandardResult.Fail(code, message);
    }

    [GeneratedRegex(@"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")]
    private static partial Regex IcdCode();

    [GeneratedRegex(@"^[A-T]([0-9]{2,4})?$")]
    private static partial Regex IndustryCode();
}
