using System.Globalization;
using DataHub.Core.Standards;
using DataHub.Simulators.District.Stores;
using Microsoft.Data.Sqlite;

namespace DataHub.Simulators.District;

/// <summary>
/// The 卫健 primary-care system: residents of the police register with a health archive (most of
/// the elderly, about half of the others), their chronic conditions (ICD-10) and family-doctor
/// contracts, served as FHIR R4 resources. Planted defects: Patients without a 身份号码 (kept by name,
/// birth date and community, listed as probably the same person as a resident, never merged), with a
/// wrong check character, registered with the old 15-digit number (accepted after upgrading), and
/// registered twice (a duplicate).
/// </summary>
internal static class HealthDepartment
{
    public const string SourceId = "wsjk-health";

    private static readonly (string Code, string Display, double Base, double PerDecadeOver40)[] ChronicConditions =
    [
        ("I10", "原发性高血压", 0.04, 0.07),
        ("E11.9", "2型糖尿病", 0.02, 0.03),
        ("I25.1", "动脉硬化性心脏病", 0.0, 0.015),
        ("J44.9", "慢性阻塞性肺病", 0.0, 0.012),
        ("E78.5", "高脂血症", 0.02, 0.02),
        ("I63.9", "脑梗死", 0.0, 0.008),
        ("N18.9", "慢性肾脏病", 0.0, 0.005),
        ("M81.9", "骨质疏松", 0.0, 0.01),
    ];

    public static void Generate(DistrictModel model, DistrictDefectRates rates, Random rng)
    {
        foreach (var r in model.Residents)
        {
            if (!r.PoliceAccepted || r.Status != "在住") continue;
            var age = Age(r, model.Now);
            if (rng.NextDouble() >= (age >= 60 ? 0.85 : 0.5)) continue;
            r.Patient = NewPatient(model, r, rng, DrawDefect(r, rates, rng));
        }
    }

    /// <summary>A new health archive for a resident; <paramref name="defect"/> none for changes planted by advance.</summary>
    public static PatientState NewPatient(DistrictModel model, ResidentState r, Random rng, string defect)
    {
        var age = Age(r, model.Now);
        var seq = ++model.NextPatient;
        var streetName = model.Communities.First(c => c.Code == r.CommunityCode).StreetName;
        var patient = new PatientState
        {
            Id = "p" + seq.ToString(CultureInfo.InvariantCulture),
            ArchiveNo = r.CommunityCode + (seq % 100_000).ToString("D5", CultureInfo.InvariantCulture),
            Institution = (streetName.Length > 0 ? streetName.Replace("街道", "", StringComparison.Ordinal) : model.DistrictName) + "社区卫生服务中心",
            Defect = defect,
            DuplicateId = defect == "duplicate" ? "p" + (++model.NextPatient).ToString(CultureInfo.InvariantCulture) : null,
            Updated = Past(model.Now, rng, 400),
        };
        var decadesOver40 = Math.Max(0, (age - 40) / 10.0);
        foreach (var (code, display, baseRate, perDecade) in ChronicConditions)
        {
            if (rng.NextDouble() < baseRate * (age >= 18 ? 1 : 0) + perDecade * decadesOver40)
                patient.Conditions.Add(NewCondition(model, code, display, rng));
        }
        var signRate = 0.25 + (age >= 65 ? 0.45 : 0) + (patient.Conditions.Count > 0 ? 0.2 : 0);
        if (rng.NextDouble() < signRate) patient.Contract = NewContract(model, r, rng);
        return patient;
    }

    public static ConditionState NewCondition(DistrictModel model, string code, string display, Random rng, DateTimeOffset? updated = null)
    {
        var at = updated ?? Past(model.Now, rng, 600);
        return new ConditionState("c" + (++model.NextResource).ToString(CultureInfo.InvariantCulture), code, display,
            DateOnly.FromDateTime(at.DateTime).AddDays(-rng.Next(0, 2000)), at);
    }

    public static ContractState NewContract(DistrictModel model, ResidentState r, Random rng, DateTimeOffset? updated = null)
    {
        var at = updated ?? Past(model.Now, rng, 300);
        return new ContractState("cp" + (++model.NextResource).ToString(CultureInfo.InvariantCulture),
            DateOnly.FromDateTime(at.DateTime), $"{r.CommunityCode[^3..]}号家庭医生团队", at);
    }

    public static (string Code, string Display) RandomCondition(Random rng) =>
        ChronicConditions[rng.Next(ChronicConditions.Length)] is var c ? (c.Code, c.Display) : default;

    private static string DrawDefect(ResidentState r, DistrictDefectRates rates, Random rng)
    {
        var u = rng.NextDouble();
        if (u < rates.PatientIdMissing) return "missing";
        if (u < rates.PatientIdMissing + rates.PatientIdCheckDigit) return "check_digit";
        if (u < rates.PatientIdMissing + rates.PatientIdCheckDigit + rates.PatientDuplicate) return "duplicate";
        return r.Birth.Year is >= 1900 and < 1990 && rng.NextDouble() < rates.PatientLegacy15 ? "legacy15" : "none";
    }

    /// <summary>Writes every resource of one resident's archive (Patient, its duplicate, Conditions, CarePlan).</summary>
    public static void Write(SqliteConnection conn, SqliteTransaction tx, DistrictModel model, ResidentState r)
    {
        var p = r.Patient!;
        var community = model.Communities.First(c => c.Code == r.CommunityCode).Name;
        string? idNumber = p.Defect switch
        {
            "missing" => null,
            "check_digit" => WrongCheck(r.Id18),
            "legacy15" => string.Concat(r.Id18.AsSpan(0, 6), r.Id18.AsSpan(8, 9)),
            _ => r.Id18,
        };
        DistrictStore.UpsertResource(conn, tx, "Patient", p.Id, p.Id, FhirResources.Instant(p.Updated),
            FhirResources.PatientJson(r, p, p.Id, idNumber, p.Updated, community));
        if (p.DuplicateId is { } dup)
        {
            // Registered again at another institution a while before; no conditions recorded there.
            var earlier = p.Updated.AddDays(-30);
            DistrictStore.UpsertResource(conn, tx, "Patient", dup, dup, FhirResources.Instant(earlier),
                FhirResources.PatientJson(r, p, dup, idNumber, earlier, community));
        }
        foreach (var c in p.Conditions)
            DistrictStore.UpsertResource(conn, tx, "Condition", c.Id, p.Id, FhirResources.Instant(c.Updated), FhirResources.ConditionJson(p.Id, c));
        if (p.Contract is { } contract)
            DistrictStore.UpsertResource(conn, tx, "CarePlan", contract.Id, p.Id, FhirResources.Instant(contract.Updated), FhirResources.CarePlanJson(p.Id, contract));
    }

    public static DepartmentTruth Truth(DistrictModel model)
    {
        var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var byCommunity = new SortedDictionary<string, long>(model.Communities.ToDictionary(c => c.Code, _ => 0L), StringComparer.Ordinal);
        long rows = 0, duplicates = 0, withoutId = 0;
        // A Patient without an ID number is kept, identified by name, birth date and community (the
        // health schema's fallback key); two such Patients of the same name, birth and community are one record.
        var fallbackKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in model.Residents)
        {
            if (r.Patient is not { } p) continue;
            rows += p.DuplicateId is null ? 1 : 2;
            switch (p.Defect)
            {
                case "missing":
                    withoutId++;
                    if (!fallbackKeys.Add($"{r.Name}|{r.Birth:yyyy-MM-dd}|{r.CommunityCode}")) duplicates++;
                    else byCommunity[r.CommunityCode]++;
                    break;
                case "check_digit":
                    reasons["ID_CHECK_DIGIT"] = reasons.GetValueOrDefault("ID_CHECK_DIGIT") + 1;
                    break;
                default:
                    if (p.DuplicateId is not null) duplicates++;
                    byCommunity[r.CommunityCode]++;
                    break;
            }
        }
        var quarantined = reasons.Values.Sum();
        return new DepartmentTruth
        {
            SourceId = SourceId, Rows = rows, Accepted = rows - quarantined - duplicates, Quarantined = quarantined,
            Duplicates = duplicates, QuarantinedByReason = reasons, AcceptedByCommunity = byCommunity,
            Warnings = withoutId == 0 ? new Dictionary<string, long>() : new Dictionary<string, long> { ["RECORD_ID_FROM_FALLBACK_KEY"] = withoutId },
        };
    }

    public static string WrongCheck(string id18)
    {
        var right = id18[17];
        var wrong = right == '0' ? '1' : right == 'X' ? '0' : (char)(right == '9' ? 'X' : right + 1);
        return id18[..17] + wrong;
    }

    public static int Age(ResidentState r, DateTimeOffset now) => now.Year - r.Birth.Year;

    public static DateTimeOffset Past(DateTimeOffset now, Random rng, int days) =>
        now.AddSeconds(-rng.Next(3600, days * 86400));
}
