namespace DataHub.Core.Standards;

/// <summary>Unified social credit code, GB 32100-2015: 18 characters, check by MOD 31.</summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static char? CheckChar(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var n = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
            if (n < 0) return null;
            sum += n * Weights[i];
        }
        return Alphabet[(31 - sum % 31) % 31];
    }

    /// <summary>
    /// A code of the wrong shape is rejected; one that fails only its check character is kept with
    /// a warning, because real registries hold such codes (DOMAIN.md).
    /// </summary>
    public static StandardResult Normalize(string raw)
    {
        var v = TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(raw)).ToUpperInvariant();
        if (v.Length != 18)
            return StandardResult.Fail("CREDIT_CODE_LENGTH", $"统一社会信用代码应为18位，实际为{v.Length}位");
        var bad = v.FirstOrDefault(c => Alphabet.IndexOf(c, StringComparison.Ordinal) < 0);
        if (bad != default)
            return StandardResult.Fail("CREDIT_CODE_FORMAT", $"统一社会信用代码含有不允许的字符“{bad}”（不使用 I、O、Z、S、V）");
        return CheckChar(v) == v[17]
            ? StandardResult.Ok(v)
            : StandardResult.Warn(v, "CREDIT_CODE_CHECK", "统一社会信用代码校验码不符（GB 32100-2015），已保留并记为质量问题");
    }
}
