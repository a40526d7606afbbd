namespace DataHub.Simulators.Population;

/// <summary>Place names for addresses (public reference data, GB/T 2260 and the NBS division codes).</summary>
internal static class Places
{
    public static readonly IReadOnlyDictionary<string, string> Provinces = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["11"] = "北京市", ["12"] = "天津市", ["13"] = "河北省", ["14"] = "山西省", ["15"] = "内蒙古自治区",
        ["21"] = "辽宁省", ["22"] = "吉林省", ["23"] = "黑龙江省", ["31"] = "上海市", ["32"] = "江苏省",
        ["33"] = "浙江省", ["34"] = "安徽省", ["35"] = "福建省", ["36"] = "江西省", ["37"] = "山东省",
        ["41"] = "河南省", ["42"] = "湖北省", ["43"] = "湖南省", ["44"] = "广东省", ["45"] = "广西壮族自治区",
        ["46"] = "海南省", ["50"] = "重庆市", ["51"] = "四川省", ["52"] = "贵州省", ["53"] = "云南省",
        ["54"] = "西藏自治区", ["61"] = "陕西省", ["62"] = "甘肃省", ["63"] = "青海省", ["64"] = "宁夏回族自治区",
        ["65"] = "新疆维吾尔自治区", ["71"] = "台湾省", ["81"] = "香港特别行政区", ["82"] = "澳门特别行政区",
    };

    /// <summary>Full names of the default birthplace districts.</summary>
    public static readonly IReadOnlyDictionary<string, string> Districts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["320102"] = "江苏省南京市玄武区", ["320104"] = "江苏省南京市秦淮区", ["320105"] = "江苏省南京市建邺区",
        ["320106"] = "江苏省南京市鼓楼区", ["320111"] = "江苏省南京市浦口区", ["320113"] = "江苏省南京市栖霞区",
        ["320114"] = "江苏省南京市雨花台区", ["320115"] = "江苏省南京市江宁区", ["320116"] = "江苏省南京市六合区",
        ["320117"] = "江苏省南京市溧水区", ["510104"] = "四川省成都市锦江区", ["510105"] = "四川省成都市青羊区",
        ["510107"] = "四川省成都市武侯区", ["340104"] = "安徽省合肥市蜀山区", ["370102"] = "山东省济南市历下区",
        ["410105"] = "河南省郑州市金水区", ["420106"] = "湖北省武汉市武昌区", ["110105"] = "北京市朝阳区",
    };

    /// <summary>Streets (街道) of 南京市栖霞区, 320113, from the reference table.</summary>
    public static readonly IReadOnlyDictionary<string, string> QixiaStreets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["320113001"] = "尧化街道", ["320113002"] = "马群街道", ["320113003"] = "迈皋桥街道",
        ["320113004"] = "燕子矶街道", ["320113005"] = "栖霞街道", ["320113006"] = "龙潭街道",
        ["320113007"] = "仙林街道", ["320113009"] = "八卦洲街道", ["320113010"] = "西岗街道",
    };

    public static readonly string[] LocalRoads =
    [
        "尧新大道", "尧化路", "和燕路", "迈尧路", "寅春路", "仙林大道", "文苑路", "学衡路", "马群街", "紫东路",
        "栖霞大道", "龙潭路", "万寿路", "华电路", "晓庄路", "燕子矶路", "太新路", "长营路", "金尧路", "宁康路",
        "恒谊路", "迈化路", "港城路", "兴智路", "仙尧路",
    ];

    public static readonly string[] Estates =
    [
        "金尧花园", "青田雅居", "翠林山庄", "仙林新村", "百水芊城", "尧林仙居", "万寿新村", "东方天郡", "恒大绿洲",
        "亚东城", "仙鹤名苑", "燕子矶新村", "香溪美地", "保利紫晶山", "银城东苑",
    ];

    public static readonly string[] TownRoads = ["人民路", "解放路", "建设路", "中山路", "和平路", "文化路", "胜利路", "新华路", "光明街", "团结路"];

    public static readonly string[] Towns = ["新集", "城关", "河口", "双河", "柳林", "高桥", "石桥", "三河", "杨店", "白沙"];

    public static readonly string[] Villages = ["王庄", "李家", "张湾", "刘集", "陈店", "杨柳", "黄土岭", "赵河", "大营", "小湾"];

    public static readonly string[] AddressNotes = ["近地铁站", "东门", "门卫室旁", "临时住所", "出租屋", "北侧", "二楼后间"];

    /// <summary>港澳台居民居住证 address codes (GB 11643 extension): valid provincial prefixes 81 and 82.</summary>
    public static readonly (string Code, string Address)[] Abroad =
    [
        ("810000", "香港特别行政区九龙旺角弥敦道"),
        ("810000", "香港特别行政区新界沙田大围道"),
        ("820000", "澳门特别行政区花地玛堂区黑沙环马路"),
    ];

    /// <summary>Reference names end in 居委会 or 村委会; addresses use the short form ("尧化社区", "王庄村").</summary>
    public static string ShortCommunityName(string name)
    {
        foreach (var suffix in (ReadOnlySpan<string>)["社区居民委员会", "社区居委会", "居民委员会", "居委会"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = name[..^suffix.Length];
                return stem.EndsWith("社区", StringComparison.Ordinal) ? stem : stem + "社区";
            }
        }
        foreach (var suffix in (ReadOnlySpan<string>)["村民委员会", "村委会"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = name[..^suffix.Length];
                return stem.EndsWith('村') ? stem : stem + "村";
            }
        }
        return name;
    }
}
