using DataHub.Core.Standards;
using DataHub.Simulators.Population;

namespace DataHub.Simulators.Tests.Population;

/// <summary>Real communities of 南京市栖霞区 (320113) from reference/divisions/villages.csv, and option builders.</summary>
internal static class DemoDistrict
{
    public static readonly DateTimeOffset Now = new(2025, 6, 30, 18, 0, 0, TimeSpan.FromHours(8));

    public static readonly IReadOnlyList<(string Code, string Name)> Communities =
    [
        ("320113001001", "尧化社区居委会"),
        ("320113001008", "尧化新村社区居委会"),
        ("320113001017", "吴边社区居委会"),
        ("320113002003", "果场社区居委会"),
        ("320113002011", "宁康苑社区居委会"),
        ("320113002016", "石坝社区居委会"),
        ("320113003001", "长营社区居委会"),
        ("320113003006", "东井村社区居委会"),
        ("320113003012", "兴卫村社区居委会"),
        ("320113003017", "山水园社区居委会"),
        ("320113004002", "晓庄村社区居委会"),
        ("320113004008", "石化村社区居委会"),
        ("320113004013", "下庙村社区居委会"),
        ("320113005003", "栖霞社区居委会"),
        ("320113005008", "甘家巷社区居委会"),
        ("320113005024", "石埠桥社区居委会"),
        ("320113005202", "石埠桥村村委会"),
        ("320113005206", "新合村村委会"),
        ("320113005215", "摄山村村委会"),
        ("320113006002", "中国水泥厂社区居委会"),
        ("320113006200", "兴隆村村委会"),
        ("320113006202", "花园村村委会"),
        ("320113006203", "上首村村委会"),
        ("320113006206", "营防村村委会"),
        ("320113006207", "大棚村村委会"),
        ("320113006208", "南中村村委会"),
        ("320113006209", "飞花村村委会"),
        ("320113006210", "上坝村村委会"),
        ("320113006211", "长江村村委会"),
        ("320113006212", "马渡村村委会"),
        ("320113006213", "太平村村委会"),
        ("320113006214", "靖安村村委会"),
        ("320113006215", "联盟村村委会"),
        ("320113006216", "孙庄村村委会"),
        ("320113006217", "滨江村村委会"),
        ("320113006218", "陈店村村委会"),
        ("320113006219", "龙潭村村委会"),
        ("320113007004", "亚东社区居委会"),
        ("320113007009", "文澜社区居委会"),
        ("320113009200", "新闸村村委会"),
    ];

    public static PopulationExportOptions Options(string path, int rows = 20_000, int seed = 20250630) => new()
    {
        OutputPath = path,
        RowCount = rows,
        Seed = seed,
        Communities = Communities,
        Now = Now,
    };

    /// <summary>The reference table as a pipeline sees it: exactly the communities passed to the generator.</summary>
    public sealed class Directory(IReadOnlyList<(string Code, string Name)> communities) : IDivisionDirectory
    {
        private readonly Dictionary<string, string> _names = communities.ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);

        public DivisionInfo? Find(string code) =>
            _names.TryGetValue(code, out var name) ? new DivisionInfo(code, name, DivisionLevel.Community, code[..9]) : null;
    }
}
