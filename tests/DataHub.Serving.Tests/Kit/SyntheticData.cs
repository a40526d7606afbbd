using System.Security.Cryptography;
using System.Text;

namespace DataHub.Serving.Tests.Kit;

/// <summary>Deterministic synthetic rows across four communities of two streets of 栖霞区, plus one community of another district.</summary>
public static class SyntheticData
{
    public const string District = "320113";
    public const string StreetA = "320113001";
    public const string StreetB = "320113002";
    public const string CommunityA1 = "320113001001";
    public const string CommunityA2 = "320113001002";
    public const string CommunityB1 = "320113002001";
    public const string CommunityB2 = "320113002002";
    public const string OtherDistrictCommunity = "320114001001";

    public static readonly (string Code, string Name, int Rows)[] Communities =
    [
        (CommunityA1, "仙林湖社区", 700),
        (CommunityA2, "文枢社区", 600),
        (CommunityB1, "尧化门社区", 800),
        (CommunityB2, "新城社区", 500),
        (OtherDistrictCommunity, "外区社区", 150),
    ];

    private static readonly string[] Surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"];
    private static readonly string[] PersonTypes = ["户籍", "户籍", "户籍", "流动", "流动", "境外"];
    private static readonly string[] Statuses = ["在住", "在住", "在住", "迁出", "死亡"];

    public static List<PopulationRow> Population(int seed = 42)
    {
        var random = new Random(seed);
        var rows = new List<PopulationRow>();
        var ids = new HashSet<string>();
        foreach (var (code, name, count) in Communities)
        {
            for (var i = 0; i < count; i++)
            {
                var birth = new DateOnly(1940, 1, 1).AddDays(random.Next(0, 365 * 80));
                string id;
                do
                {
                    id = IdNumber(code[..6], birth, random.Next(0, 1000));
                }
                while (!ids.Add(id));
                var gender = (id[16] - '0') % 2 == 1 ? "男" : "女";
                var fullName = Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)] + (random.Next(3) == 0 ? "" : Given[random.Next(Given.Length)]);
                var address = $"江苏省南京市栖霞区{name}{random.Next(1, 80)}栋{random.Next(1, 30)}号";
                rows.Add(new PopulationRow(
                    RecordId(id),
                    id,
                    fullName,
                    gender,
                    random.Next(10) switch { 0 => null, 1 => "回族", 2 => "满族", _ => "汉族" },
                    birth,
                    random.Next(6) == 0 ? null : address,
                    random.Next(5) == 0 ? null : random.Next(4) == 0 ? "幸福路1号" : address,
                    code,
                    name,
                    code[..9],
                    PersonTypes[random.Next(PersonTypes.Length)],
                    random.Next(3) == 0 ? null : birth.AddDays(random.Next(0, 20000)),
                    random.Next(8) == 0 ? null : Statuses[random.Next(Statuses.Length)],
                    random.Next(4) == 0 ? null : "13" + random.Next(0, 1_000_000_000).ToString("D9"),
                    random.Next(7) == 0 ? null : new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 60 * 24 * 700))));
            }
        }
        return rows;
    }

    public static List<HousingRow> Housing(int seed = 7)
    {
        var random = new Random(seed);
        var rows = new List<HousingRow>();
        foreach (var (code, _, count) in Communities)
        {
            for (var i = 0; i < count / 5; i++)
            {
                var houseId = $"H{code}{i:D4}";
                rows.Add(new HousingRow(
                    houseId,
                    code,
                    Math.Round((decimal)(random.NextDouble() * 200 + 20), 2),
                    random.Next(6) == 0 ? null : random.Next(1, 8),
                    random.Next(5) == 0 ? null : (long)random.Next(0, 12) * (random.Next(50) == 0 ? 1_000_000_000L : 1),
                    random.Next(4) == 0 ? null : Math.Round(random.NextDouble() * 8000, 3),
                    random.Next(5) == 0 ? null : random.Next(2) == 0,
                    random.Next(5) == 0 ? null : new DateOnly(1970, 1, 1).AddDays(random.Next(0, 365 * 50)),
                    random.Next(6) == 0 ? null : Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)],
                    random.Next(4) == 0 ? null : "139" + random.Next(0, 100_000_000).ToString("D8"),
                    random.Next(4) == 0 ? null : IdNumber("320113", new DateOnly(1960, 1, 1).AddDays(random.Next(0, 15000)), random.Next(0, 1000)),
                    new DateTimeOffset(2024, 5, 1, 8, 30, 0, TimeSpan.FromHours(8)).AddSeconds(random.Next(0, 3_000_000))));
            }
        }
        return rows;
    }

    public static List<SummaryRow> Summary() =>
    [
        new("S1", StreetA, 1300),
        new("S2", StreetB, 1300),
    ];

    public static string RecordId(string idNumber) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("test-key:" + idNumber)))[..16];

    /// <summary>An 18-digit citizen ID with a valid GB 11643 check character.</summary>
    public static string IdNumber(string area, DateOnly birth, int sequence)
    {
        var body = $"{area}{birth:yyyyMMdd}{sequence:D3}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }
}
