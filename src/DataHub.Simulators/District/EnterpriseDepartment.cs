using System.Globalization;
using System.Text;
using System.Text.Json;
using DataHub.Core.Standards;
using DataHub.Simulators.District.Stores;
using DataHub.Simulators.Population;
using Microsoft.Data.Sqlite;

namespace DataHub.Simulators.District;

/// <summary>
/// The 市场监管 enterprise register: enterprises at the district's standard addresses (shops and
/// offices that are houses of the housing register too), legal representatives among the residents.
/// Planted defects: credit codes failing their check character (kept with a warning), 17-character
/// codes and codes with a letter GB 32100 excludes (quarantined), enterprises listed twice, and
/// enterprises registered with the address text only (community resolved from the standard address).
/// </summary>
internal static class EnterpriseDepartment
{
    public const string SourceId = "scjg-enterprise";
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>Seq offset of the second listing of a duplicated enterprise.</summary>
    public const int DuplicateSeqOffset = 5_000_000;

    private static readonly string[] Brands = ["华泰", "金鼎", "瑞丰", "恒通", "宏达", "新辰", "卓越", "栖华", "仙林", "尧新", "东方", "汇智", "中联", "嘉禾", "博远", "鑫源"];

    private static readonly (string Industry, string Words, string Type)[] Kinds =
    [
        ("F5212", "便利店", "个体工商户"), ("H6210", "餐饮管理有限公司", "企业"), ("I6510", "软件科技有限公司", "企业"),
        ("E4700", "建筑工程有限公司", "企业"), ("L7212", "物业管理有限公司", "企业"), ("M7320", "检测技术有限公司", "企业"),
        ("O8011", "家政服务有限公司", "企业"), ("R8810", "文化传媒有限公司", "企业"), ("K7020", "房产经纪有限公司", "企业"),
        ("F5123", "蔬果店", "个体工商户"), ("A0141", "蔬菜种植专业合作社", "农民专业合作社"), ("C1713", "纺织品有限公司", "企业"),
    ];

    public static void Generate(DistrictModel model, DistrictOptions options, AddressBook book, Random rng)
    {
        var count = Math.Max(30, options.Residents / 12);
        for (var i = 0; i < count; i++) model.Enterprises.Add(NewEnterprise(model, book, rng, DrawDefect(options.Rates, rng)));
        // A separate stream, so planting leaves the rest of the district as the seed made it.
        var plant = new Random(options.Seed ^ 0x5C_4A_11);
        foreach (var e in model.Enterprises)
        {
            // Only at a house the housing register publishes: a quarantined house is no standard address,
            // and another community's house could then match the place alone (a question of the matcher, not this defect).
            if (e.Defect == "none" && plant.NextDouble() < options.Rates.EnterpriseCommunityMissing
                && HousingDepartment.Defect(model.Addresses.First(a => a.Code == e.AddressCode), options.Rates) is "none" or "duplicate")
                e.CommunityBlank = true;
        }
    }

    /// <summary>
    /// Whether a correct pipeline resolves the community of an enterprise registered without it: its
    /// address is a house the housing register publishes, and no other standard address has the same text.
    /// </summary>
    public static bool CommunityResolvable(DistrictModel model, EnterpriseState e, DistrictDefectRates rates)
    {
        var address = model.Addresses.First(a => a.Code == e.AddressCode);
        return HousingDepartment.Defect(address, rates) is "none" or "duplicate"
            && model.Addresses.Count(a => a.Full == address.Full && HousingDepartment.Defect(a, rates) is "none" or "duplicate") == 1;
    }

    public static EnterpriseState NewEnterprise(DistrictModel model, AddressBook book, Random rng, string defect)
    {
        var community = model.Communities[rng.Next(model.Communities.Count)];
        var address = book.Business(community.Code);
        var code17 = "91" + model.DistrictCode + string.Concat(Enumerable.Range(0, 9).Select(_ => Alphabet[rng.Next(Alphabet.Length)]));
        var code = code17 + CreditCode.CheckChar(code17);
        var registered = defect switch
        {
            "check" => code17 + Alphabet[(Alphabet.IndexOf(code[17], StringComparison.Ordinal) + 1 + rng.Next(29)) % 31],
            "length" => code[..17],
            "format" => code[..10] + "OIZSV"[rng.Next(5)] + code[11..],
            _ => code,
        };
        var kind = Kinds[rng.Next(Kinds.Length)];
        var residents = model.Residents;
        var rep = residents.Count > 0 ? residents[rng.Next(residents.Count)].Name : ChineseNames.Name(rng, true, "汉族");
        var u = rng.NextDouble();
        return new EnterpriseState
        {
            Seq = ++model.NextEnterprise,
            CreditCode = code, RegisteredCode = registered, Defect = defect,
            Name = kind.Type == "个体工商户"
                ? $"{model.DistrictName[^3..]}{Brands[rng.Next(Brands.Length)]}{kind.Words}"
                : $"南京{Brands[rng.Next(Brands.Length)]}{Brands[rng.Next(Brands.Length)]}{kind.Words}",
            EntityType = kind.Type,
            LegalRepresentative = rep,
            Capital = kind.Type == "个体工商户" ? Math.Round((decimal)(1 + rng.NextDouble() * 20), 2) : Math.Round((decimal)(10 + rng.NextDouble() * 990), 2),
            Established = DateOnly.FromDateTime(model.Now.DateTime).AddDays(-rng.Next(30, 9000)),
            Industry = kind.Industry,
            Status = u < 0.8 ? "存续" : u < 0.9 ? "在业" : u < 0.97 ? "注销" : "吊销",
            AddressCode = address.Code,
            CommunityCode = community.Code,
            Employees = kind.Type == "个体工商户" ? rng.Next(1, 6) : rng.Next(3, 300),
            Updated = HealthDepartment.Past(model.Now, rng, 700),
        };
    }

    private static string DrawDefect(DistrictDefectRates rates, Random rng)
    {
        var u = rng.NextDouble();
        if (u < rates.CreditCodeCheck) return "check";
        if ((u -= rates.CreditCodeCheck) < rates.CreditCodeLength) return "length";
        if ((u -= rates.CreditCodeLength) < rates.CreditCodeFormat) return "format";
        if ((u -= rates.CreditCodeFormat) < rates.EnterpriseDuplicate) return "duplicate";
        return "none";
    }

    public static void Write(SqliteConnection conn, SqliteTransaction tx, DistrictModel model, EnterpriseState e)
    {
        DistrictStore.UpsertEnterprise(conn, tx, e.Seq, e.RegisteredCode, FhirResources.Instant(e.Updated), Json(model, e, e.Updated));
        if (e.Defect == "duplicate")
        {
            // Listed a second time (an older copy the register never cleaned up).
            var earlier = e.Updated.AddDays(-3);
            DistrictStore.UpsertEnterprise(conn, tx, e.Seq + DuplicateSeqOffset, e.RegisteredCode, FhirResources.Instant(earlier), Json(model, e, earlier));
        }
    }

    private static string Json(DistrictModel model, EnterpriseState e, DateTimeOffset updated)
    {
        var address = model.Addresses.First(a => a.Code == e.AddressCode);
        var community = model.Communities.First(c => c.Code == e.CommunityCode);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = DistrictModel.Json.Encoder }))
        {
            w.WriteStartObject();
            w.WriteString("uniscid", e.RegisteredCode);
            w.WriteString("entname", e.Name);
            w.WriteString("enttype", e.EntityType);
            w.WriteString("lerep", e.LegalRepresentative);
            w.WriteNumber("regcap", e.Capital);
            w.WriteString("estdate", e.Established.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("industryco", e.Industry);
            w.WriteString("regstate", e.Status);
            w.WriteString("dom", address.Full);
            w.WriteString("domcode", e.CommunityBlank ? "" : address.Code);
            w.WriteStartObject("community");
            w.WriteString("code", e.CommunityBlank ? "" : community.Code);
            w.WriteString("name", community.Name);
            w.WriteEndObject();
            w.WriteNumber("empnum", e.Employees);
            w.WriteString("updated", FhirResources.Instant(updated));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static DepartmentTruth Truth(DistrictModel model, DistrictDefectRates rates)
    {
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var byCommunity = new SortedDictionary<string, long>(model.Communities.ToDictionary(c => c.Code, _ => 0L), StringComparer.Ordinal);
        long rows = 0, duplicates = 0, warnings = 0, fromAddress = 0;
        foreach (var e in model.Enterprises)
        {
            rows += e.Defect == "duplicate" ? 2 : 1;
            if (e.CommunityBlank)
            {
                if (!CommunityResolvable(model, e, rates))
                {
                    reasons["REQUIRED_MISSING"] = reasons.GetValueOrDefault("REQUIRED_MISSING") + 1;
                    continue;
                }
                fromAddress++;
            }
            switch (e.Defect)
            {
                case "length":
                    reasons["CREDIT_CODE_LENGTH"] = reasons.GetValueOrDefault("CREDIT_CODE_LENGTH") + 1;
                    continue;
                case "format":
                    reasons["CREDIT_CODE_FORMAT"] = reasons.GetValueOrDefault("CREDIT_CODE_FORMAT") + 1;
                    continue;
                case "duplicate":
                    duplicates++;
                    break;
                case "check":
                    warnings++;
                    break;
            }
            byCommunity[e.CommunityCode]++;
        }
        var quarantined = reasons.Values.Sum();
        return new DepartmentTruth
        {
            SourceId = SourceId, Rows = rows, Accepted = rows - quarantined - duplicates, Quarantined = quarantined, Duplicates = duplicates,
            QuarantinedByReason = reasons, AcceptedByCommunity = byCommunity,
            Warnings = new[] { ("CREDIT_CODE_CHECK", warnings), ("COMMUNITY_FROM_ADDRESS", fromAddress) }.Where(w => w.Item2 > 0)
                .ToDictionary(w => w.Item1, w => w.Item2, StringComparer.Ordinal),
        };
    }
}
