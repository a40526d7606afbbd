using DataHub.Core.Standards;
using DataHub.Simulators.Population;

namespace DataHub.Simulators.Tests.Population;

/// <summary>
/// An independent re-check of a written export with DataHub.Core's standards, as a correct pipeline would
/// judge it: each row is accepted, quarantined for one reason, or dropped as a duplicate of an ID number.
/// It knows nothing of how the generator decided; it reads the file.
/// </summary>
internal sealed class PopulationRecheck
{
    private static readonly HashSet<string> PersonTypes = ["户籍", "流动", "境外"];
    private static readonly HashSet<string> Statuses = ["在住", "迁出", "死亡"];

    public int Total { get; private set; }
    public int Accepted { get; private set; }
    public int Quarantined { get; private set; }
    public int Duplicates { get; private set; }
    public Dictionary<string, int> Reasons { get; } = PopulationReasonCodes.All.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
    public Dictionary<string, int> FieldIssues { get; } = PopulationFieldIssueCodes.All.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
    public Dictionary<string, int> MissingByField { get; } = new(StringComparer.Ordinal) { ["name"] = 0, ["id_number"] = 0 };
    public Dictionary<string, int> AcceptedByCommunity { get; } = new(StringComparer.Ordinal);

    /// <summary>Normalised IDs of the accepted rows, duplicates included, in file order.</summary>
    public List<string> AcceptedIds { get; } = [];

    /// <summary>What is wrong beyond the planted defects (empty when the file is as promised); no row values.</summary>
    public List<string> Problems { get; } = [];

    public static PopulationRecheck Run(IReadOnlyList<string[]> records, IReadOnlyList<(string Code, string Name)> communities, DateTimeOffset now)
    {
        var check = new PopulationRecheck();
        var directory = new DemoDistrict.Directory(communities);
        var names = communities.ToDictionary(c => c.Code, c => c.Name, StringComparer.Ordinal);
        foreach (var code in names.Keys) check.AcceptedByCommunity[code] = 0;
        var persons = new Dictionary<string, List<(string Community, DateTimeOffset Updated)>>(StringComparer.Ordinal);

        for (var r = 1; r < records.Count; r++)
        {
            var f = records[r];
            check.Total++;
            if (f.Length != PopulationExportGenerator.ColumnCount)
            {
                check.Problems.Add($"row {r}: {f.Length} fields");
                continue;
            }
            string T(int i) => TextNormalizer.TrimAll(TextNormalizer.ToHalfWidth(f[i]));
            if (T(0) != r.ToString(System.Globalization.CultureInfo.InvariantCulture)) check.Problems.Add($"row {r}: 序号 out of sequence");

            var failures = new List<string>();
            var fields = new List<string>();
            if (T(2).Length == 0) { failures.Add(PopulationReasonCodes.RequiredMissing); fields.Add("name"); }
            string? id = null;
            if (T(1).Length == 0)
            {
                failures.Add(PopulationReasonCodes.RequiredMissing);
                fields.Add("id_number");
            }
            else
            {
                var result = IdNumber.Normalize(f[1]);
                if (result.IsOk) id = result.Value;
                else failures.Add(result.ReasonCode!);
            }
            var community = DivisionCode.NormalizeCommunity(f[8], directory);
            if (!community.IsOk) failures.Add(community.ReasonCode!);
            // Field rules: a bad 出生日期 or 联系电话 does not reject the person (the value is set to null).
            var issues = new List<string>();
            DateOnly? birth = null;
            if (T(5).Length > 0)
            {
                var parsed = ChineseDate.Parse(f[5]);
                if (parsed is null) issues.Add(PopulationFieldIssueCodes.DateFormat);
                else birth = DateOnly.FromDateTime(parsed.Value.DateTime);
            }
            if (T(13).Length > 0 && !PhoneNumber.Normalize(f[13]).IsOk) issues.Add(PopulationFieldIssueCodes.PhoneFormat);

            if (failures.Count + issues.Count > 1) check.Problems.Add($"row {r}: {failures.Count + issues.Count} defects ({string.Join(", ", failures.Concat(issues))})");
            if (failures.Count > 0)
            {
                check.Quarantined++;
                if (check.Reasons.ContainsKey(failures[0])) check.Reasons[failures[0]]++;
                else check.Problems.Add($"row {r}: unplanned reason {failures[0]}");
                foreach (var field in fields) check.MissingByField[field]++;
                if (T(3).Length == 0 || T(5).Length == 0) check.Problems.Add($"row {r}: defective row without 性别 or 出生日期");
                continue;
            }

            // An accepted row: its acceptable messiness must normalise to values consistent with the ID.
            var id18 = id!;
            var idBirth = IdNumber.BirthDate(id18)!.Value;
            if (T(3).Length > 0)
            {
                var gender = StandardRegistry.Apply("GB/T 2261.1-2003", T(3), directory);
                if (!gender.IsOk || gender.Value != IdNumber.Gender(id18)) check.Problems.Add($"row {r}: 性别 disagrees with the ID");
            }
            if (birth is not null && birth != idBirth) check.Problems.Add($"row {r}: 出生日期 disagrees with the ID");
            if (T(4).Length > 0 && !Ethnicity.Normalize(f[4]).IsOk) check.Problems.Add($"row {r}: 民族 not in GB/T 3304");
            if (!PersonTypes.Contains(T(10))) check.Problems.Add($"row {r}: 人员类型 not in the code list");
            if (!Statuses.Contains(T(12))) check.Problems.Add($"row {r}: 人员状态 not in the code list");
            if (names[community.Value!] != T(9)) check.Problems.Add($"row {r}: 社区名称 does not match 社区代码");
            if (T(6).Length == 0 || T(7).Length == 0) check.Problems.Add($"row {r}: empty address");
            if (T(11).Length > 0)
            {
                var moveIn = ChineseDate.Parse(f[11]);
                if (moveIn is null) check.Problems.Add($"row {r}: 迁入日期 unparseable");
                else if (DateOnly.FromDateTime(moveIn.Value.DateTime) < idBirth || moveIn > now) check.Problems.Add($"row {r}: 迁入日期 before birth or after now");
            }
            var updated = ChineseDate.Parse(f[14]);
            if (updated is null || updated > now)
            {
                check.Problems.Add($"row {r}: 更新时间 unparseable or after now");
                continue;
            }
            foreach (var issue in issues) check.FieldIssues[issue]++;
            check.AcceptedIds.Add(id18);
            if (!persons.TryGetValue(id18, out var rows)) persons[id18] = rows = [];
            rows.Add((community.Value!, updated.Value));
        }

        foreach (var (_, rows) in persons)
        {
            check.Accepted++;
            check.Duplicates += rows.Count - 1;
            if (rows.Any(x => x.Community != rows[0].Community)) check.Problems.Add("a person's rows name different communities");
            var latest = rows.Max(x => x.Updated);
            if (rows.Count(x => x.Updated == latest) > 1) check.Problems.Add("a person's latest 更新时间 is not unique");
            check.AcceptedByCommunity[rows[0].Community]++;
        }
        return check;
    }
}
