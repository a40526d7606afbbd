using DataHub.Core.Standards;

namespace DataHub.Simulators.Population;

/// <summary>Realistic Chinese personal names and ethnicities.</summary>
internal static class ChineseNames
{
    // Share of the population in percent (公安部 户籍人口 statistics, rounded), most common first.
    private static readonly WeightedTable<string> Surnames = new(
    [
        ("王", 7.25), ("李", 7.19), ("张", 6.83), ("刘", 5.38), ("陈", 4.53), ("杨", 3.08), ("黄", 2.23), ("赵", 2.14),
        ("吴", 2.05), ("周", 1.98), ("徐", 1.62), ("孙", 1.53), ("马", 1.45), ("朱", 1.40), ("胡", 1.32), ("郭", 1.22),
        ("何", 1.20), ("林", 1.15), ("高", 1.15), ("罗", 1.06), ("郑", 0.97), ("梁", 0.96), ("谢", 0.81), ("宋", 0.76),
        ("唐", 0.75), ("许", 0.71), ("韩", 0.70), ("冯", 0.69), ("邓", 0.68), ("曹", 0.66), ("彭", 0.61), ("曾", 0.60),
        ("肖", 0.56), ("田", 0.54), ("董", 0.53), ("袁", 0.53), ("潘", 0.52), ("于", 0.51), ("蒋", 0.51), ("蔡", 0.50),
        ("余", 0.48), ("杜", 0.48), ("叶", 0.47), ("程", 0.47), ("苏", 0.45), ("魏", 0.44), ("吕", 0.44), ("丁", 0.43),
        ("任", 0.43), ("沈", 0.42), ("姚", 0.41), ("卢", 0.41), ("姜", 0.40), ("崔", 0.39), ("钟", 0.39), ("谭", 0.38),
        ("陆", 0.37), ("汪", 0.35), ("范", 0.35), ("金", 0.34), ("石", 0.33), ("廖", 0.33), ("贾", 0.32), ("夏", 0.32),
        ("韦", 0.31), ("付", 0.30), ("方", 0.30), ("白", 0.29), ("邹", 0.29), ("孟", 0.28), ("熊", 0.28), ("秦", 0.27),
        ("邱", 0.27), ("江", 0.27), ("尹", 0.26), ("薛", 0.25), ("闫", 0.24), ("段", 0.24), ("雷", 0.24), ("侯", 0.23),
        ("龙", 0.23), ("史", 0.23), ("陶", 0.22), ("黎", 0.22), ("贺", 0.21), ("顾", 0.21), ("毛", 0.21), ("郝", 0.20),
        ("龚", 0.20), ("邵", 0.19), ("万", 0.19), ("钱", 0.19), ("严", 0.18), ("覃", 0.18), ("武", 0.18), ("戴", 0.17),
        ("莫", 0.17), ("孔", 0.16), ("向", 0.16), ("汤", 0.16), ("欧阳", 0.05), ("司马", 0.01), ("诸葛", 0.01), ("上官", 0.01),
    ]);

    private const string MaleChars = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋阳建国志文海东亮成峰博晨轩宏振德庆春家子天一睿泽航然铭诚立新永利";
    private const string FemaleChars = "芳娜敏静丽艳娟霞秀玲桂英华红梅琳萍燕雪婷倩颖洁佳欣悦怡雯琪涵萱瑶雨思诗梦晶慧君兰凤云月丹蕾薇彤璐晓淑珍美玉";

    private static readonly string[] UyghurGiven = ["买买提", "艾力", "阿不都", "热合曼", "古丽", "阿依古丽", "努尔", "吐尔逊", "帕提古丽", "艾克拜尔"];
    private static readonly string[] UyghurFamily = ["艾买提", "吐尔洪", "买合木提", "阿不力孜", "依明", "库尔班", "肉孜", "沙吾提"];

    // Minorities by rough population share (第七次人口普查), the rest of GB/T 3304 drawn uniformly.
    private static readonly (string Name, double Weight)[] MajorMinorities =
    [
        ("壮族", 19.6), ("维吾尔族", 11.8), ("回族", 11.4), ("苗族", 11.1), ("满族", 10.4), ("彝族", 9.8),
        ("土家族", 9.6), ("藏族", 7.1), ("蒙古族", 6.3), ("布依族", 3.6), ("侗族", 3.5), ("瑶族", 3.3),
        ("白族", 2.1), ("哈尼族", 1.7), ("朝鲜族", 1.7), ("黎族", 1.6), ("哈萨克族", 1.6), ("傣族", 1.3),
    ];

    private static readonly WeightedTable<string> Minorities = new(
        MajorMinorities.Concat(Ethnicity.All
            .Where(e => e != "汉族" && !MajorMinorities.Any(m => m.Name == e))
            .Select(e => (e, 0.15))));

    public static string Ethnic(Random random) => random.NextDouble() < 0.915 ? "汉族" : Minorities.Pick(random);

    public static string Name(Random random, bool male, string ethnicity)
    {
        if (ethnicity == "维吾尔族" && random.NextDouble() < 0.7)
            return $"{UyghurGiven[random.Next(UyghurGiven.Length)]}·{UyghurFamily[random.Next(UyghurFamily.Length)]}";
        var chars = male ? MaleChars : FemaleChars;
        var surname = Surnames.Pick(random);
        var given = random.NextDouble() < 0.3
            ? chars[random.Next(chars.Length)].ToString()
            : string.Concat(chars[random.Next(chars.Length)], chars[random.Next(chars.Length)]);
        return surname + given;
    }
}
