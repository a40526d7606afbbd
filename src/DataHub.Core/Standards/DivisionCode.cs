namespace DataHub.Core.Standards;

/// <summary>Administrative levels and their code lengths (GB/T 2260 and the NBS 12-digit codes).</summary>
public enum DivisionLevel
{
    Province = 2,
    City = 4,
    District = 6,
    Street = 9,
    Community = 12,
}

/// <summary>One administrative division of the reference table.</summary>
public sealed record DivisionInfo(string Code, string Name, DivisionLevel Level, string? ParentCode);

/// <summary>The versioned division reference table (loaded into the catalog).</summary>
public interface IDivisionDirectory
{
    /// <summary>The division with exactly this code, or null if the reference table has none.</summary>
    DivisionInfo? Find(string code);
}

/// <summary>Shape rules of division codes; existence is the <see cref="IDivisionDirectory"/>'s business.</summary>
public static class DivisionCode
{
    // Provincial-level codes of GB/T 2260 (31 mainland units plus 71 Taiwan, 81 Hong Kong, 82 Macao).
    private static readonly HashSet<string> Provinces =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82",
    ];

    public static bool IsKnownProvince(ReadOnlySpan<char> twoDigits) =>
        Provinces.GetAlternateLookup<ReadOnlySpan<char>>().Contains(twoDigits);

    /// <summary>The level a code of this length names, or null for a length no level has.</summary>
    public static DivisionLevel? LevelOf(string code) =>
        code.All(char.IsAsciiDigit) ? code.Length switch
        {
            2 => DivisionLevel.Province,
            4 => DivisionLevel.City,
            6 => DivisionLevel.District,
            9 => DivisionLevel.Street,
            12 => DivisionLevel.Community,
            _ => null,
        } : null;

    /// <summary>
    /// Whether <paramref name="code"/> lies inside <paramref name="scope"/>: a code's prefix is its parent,
    /// so a street scope covers every community whose code starts with the street's 9 digits.
    /// </summary>
    public static bool IsWithin(string code, string scope) => code.StartsWith(scope, StringComparison.Ordinal);

    /// <summary>
    /// Normalises a 12-digit community code and checks that the reference table has it.
    /// A 6- or 9-digit code padded with zeros is not a community and is rejected too.
    /// </summary>
    public static StandardResult NormalizeCommunity(string raw, IDivisionDirectory divisions)
    {
        var v = TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(raw));
        if (v.Length != 12 || !v.All(char.IsAsciiDigit))
            return StandardResult.Fail("DIVISION_FORMAT", $"社区代码应为12位数字的统计用区划代码，实际为“{Describe(v)}”");
        var info = divisions.Find(v);
        if (info is null || info.Level != DivisionLevel.Community)
            return StandardResult.Fail("DIVISION_UNKNOWN", $"社区代码{v}不在区划参考表中（可能已撤并或录入错误）");
        return StandardResult.Ok(v);
    }

    /// <summary>Normalises a 6-digit district code (GB/T 2260) and checks that it exists.</summary>
    public static StandardResult NormalizeDistrict(string raw, IDivisionDirectory divisions)
    {
        var v = TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(raw));
        if (v.Length != 6 || !v.All(char.IsAsciiDigit))
            return StandardResult.Fail("DIVISION_FORMAT", $"区县代码应为6位数字（GB/T 2260），实际为“{Describe(v)}”");
        return divisions.Find(v) is { Level: DivisionLevel.District }
            ? StandardResult.Ok(v)
            : StandardResult.Fail("DIVISION_UNKNOWN", $"区县代码{v}不在区划参考表中");
    }

    // Codes are public reference data, but cap what is echoed so a shifted column cannot spill a row into a message.
    private static string Describe(string v) => v.Length <= 14 ? v : v[..14] + "…";
}
