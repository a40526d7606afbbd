using System.Globalization;
using DataHub.Simulators.District.Housing;

namespace DataHub.Simulators.District;

/// <summary>
/// The 住建 housing register: every standard address of the district is a house (homes, shops,
/// offices), sent as a full workbook on every drop. Rented: houses where 流动 residents live.
/// Planted defects are fixed per house (a hash of its code), so every drop of the same house
/// carries the same one: a community code not in the reference, an empty address, a house listed
/// twice.
/// </summary>
internal static class HousingDepartment
{
    public const string SourceId = "zhujian-housing";
    public const string WorkbookFileName = "住建_实有房屋.xlsx";

    public static string HouseCode(AddressState a) => "FW" + a.Code;

    /// <summary>Sets who rents from the residents living at each address.</summary>
    public static void UpdateTenancy(DistrictModel model, Random rng)
    {
        var tenants = model.Residents
            .Where(r => r.PoliceAccepted && r.Status == "在住" && r.Type == "流动" && r.AddressCode is not null)
            .GroupBy(r => r.AddressCode!)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var a in model.Addresses.Where(a => a.Usage == "住宅"))
        {
            var n = tenants.GetValueOrDefault(a.Code);
            var rented = n > 0;
            if (rented == a.Rented && (!rented || a.Tenants == n)) continue;
            a.Rented = rented;
            a.Tenants = n;
            a.Updated = model.Now.AddSeconds(-rng.Next(60, 80_000));
        }
    }

    public static string Defect(AddressState a, DistrictDefectRates rates)
    {
        var u = Fnv1a(a.Code) % 100_000 / 100_000.0;
        if (u < rates.HouseCommunityUnknown) return "community";
        if ((u -= rates.HouseCommunityUnknown) < rates.HouseAddressMissing) return "address";
        if ((u -= rates.HouseAddressMissing) < rates.HouseDuplicate) return "duplicate";
        return "none";
    }

    // FNV-1a: stable across processes and runtimes (string.GetHashCode is randomised per process).
    private static uint Fnv1a(string s)
    {
        var hash = 2166136261u;
        foreach (var c in s) hash = (hash ^ c) * 16777619u;
        return hash;
    }

    public static void WriteWorkbook(DistrictModel model, DistrictDefectRates rates, string path)
    {
        var communities = model.Communities.ToDictionary(c => c.Code, StringComparer.Ordinal);
        var known = communities.Keys.ToHashSet(StringComparer.Ordinal);
        IEnumerable<HousingWorkbookWriter.Row> Rows()
        {
            foreach (var a in model.Addresses)
            {
                var defect = Defect(a, rates);
                var community = communities[a.CommunityCode];
                var code = defect == "community" ? UnknownCommunity(a.CommunityCode, known) : a.CommunityCode;
                yield return new HousingWorkbookWriter.Row(Cells(a, community.Name, code, defect == "address" ? "" : a.Full, a.Updated));
                if (defect == "duplicate")
                    yield return new HousingWorkbookWriter.Row(Cells(a, community.Name, code, a.Full, a.Updated.AddDays(-40)));
            }
        }
        var now = model.Now;
        HousingWorkbookWriter.Write(path, $"{model.DistrictName}实有房屋信息登记表",
            $"填报单位：{model.DistrictName[^3..]}住房和城乡建设局    导出时间：{now.Year}年{now.Month}月{now.Day}日", Rows());
    }

    private static object?[] Cells(AddressState a, string communityName, string communityCode, string address, DateTimeOffset updated) =>
    [
        HouseCode(a), a.Code, address, communityCode, communityName, a.Building, a.Unit, a.Room,
        // Numbers typed into text-formatted cells, as the department's staff do.
        a.Floor?.ToString(CultureInfo.InvariantCulture), a.Area.ToString("0.00", CultureInfo.InvariantCulture),
        a.Usage, a.PropertyType, a.Owner, a.Rented ? "是" : "否", a.Tenants, a.BuiltYear, updated, a.Rented ? "已核查" : null,
    ];

    private static string UnknownCommunity(string code, HashSet<string> known)
    {
        for (var n = 999; n > 900; n--)
        {
            var candidate = code[..9] + n.ToString(CultureInfo.InvariantCulture);
            if (!known.Contains(candidate)) return candidate;
        }
        return code[..6] + "999999";
    }

    public static DepartmentTruth Truth(DistrictModel model, DistrictDefectRates rates)
    {
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var byCommunity = new SortedDictionary<string, long>(model.Communities.ToDictionary(c => c.Code, _ => 0L), StringComparer.Ordinal);
        long rows = 0, duplicates = 0;
        foreach (var a in model.Addresses)
        {
            var defect = Defect(a, rates);
            rows += defect == "duplicate" ? 2 : 1;
            switch (defect)
            {
                case "community":
                    reasons["DIVISION_UNKNOWN"] = reasons.GetValueOrDefault("DIVISION_UNKNOWN") + 1;
                    continue;
                case "address":
                    reasons["REQUIRED_MISSING"] = reasons.GetValueOrDefault("REQUIRED_MISSING") + 1;
                    continue;
                case "duplicate":
                    duplicates++;
                    break;
            }
            byCommunity[a.CommunityCode]++;
        }
        var quarantined = reasons.Values.Sum();
        return new DepartmentTruth
        {
            SourceId = SourceId, Rows = rows, Accepted = rows - quarantined - duplicates, Quarantined = quarantined, Duplicates = duplicates,
            QuarantinedByReason = reasons, AcceptedByCommunity = byCommunity,
        };
    }
}
