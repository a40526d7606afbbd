namespace DataHub.Core.Standards;

/// <summary>The 56 ethnic groups of GB/T 3304-1991, by name; "汉" is accepted for "汉族".</summary>
public static class Ethnicity
{
    private static readonly string[] Names =
    [
        "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
        "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
        "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
        "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
        "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
        "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
    ];

    private static readonly HashSet<string> Known = [.. Names, "其他", "外国血统中国籍人士"];

    public static IReadOnlyList<string> All => Names;

    public static StandardResult Normalize(string raw)
    {
        var v = TextNormalizer.RemoveWhiteSpace(raw);
        if (Known.Contains(v)) return StandardResult.Ok(v);
        if (Known.Contains(v + "族")) return StandardResult.Ok(v + "族");
        // Exports often carry the numeric code: the list above is in GB/T 3304 order (01 = 汉族).
        if (v.Length is 1 or 2 && int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var code) && code is >= 1 and <= 56)
            return StandardResult.Ok(Names[code - 1]);
        return StandardResult.Fail("ETHNICITY_CODE", "民族名称不在 GB/T 3304 列表中（如“汉族”“回族”）");
    }
}
