using System.Globalization;
using DataHub.Core.Schema;
using DataHub.Core.Standards;

namespace DataHub.Pipelines.Normalization;

/// <summary>
/// Values the platform fills in from others, each by a stated rule: 性别 and 出生日期 from the ID
/// number (GB 11643) when the source leaves them empty; 所属社区 and 街道代码 from the community
/// code (reference table), likewise the codes and names of the street, district, city and province
/// above it; the record id from the natural key.
/// </summary>
public static class Derivations
{
    public const string Gender = "gender";
    public const string BirthDate = "birth_date";
    public const string CommunityName = "community_name";
    public const string StreetCode = "street_code";

    private static readonly (string Level, int Length)[] Levels = [("province", 2), ("city", 4), ("district", 6), ("street", 9)];

    /// <summary>Whether a field left empty by the source can still be filled by a rule here.</summary>
    public static bool CanDerive(DatasetSchema schema, FieldSpec field) => field.Name switch
    {
        Gender or BirthDate => IdField(schema) is not null,
        CommunityName or StreetCode => schema.ScopeField is not null,
        _ when field.Derived && Levels.Any(l => field.Name == l.Level + "_code" || field.Name == l.Level + "_name") => schema.ScopeField is not null,
        _ => field.Derived,
    };

    public static FieldSpec? IdField(DatasetSchema schema) => schema.Fields.FirstOrDefault(f => f.Standard == "GB 11643-1999");

    /// <summary>Fills derivable fields in place; returns quality warnings (values kept, but inconsistent).</summary>
    public static void Apply(DatasetSchema schema, Dictionary<string, string?> row, IDivisionDirectory divisions, RecordIdHasher hasher, ICollection<string> warnings)
    {
        if (IdField(schema) is { } idField && row.GetValueOrDefault(idField.Name) is { } id)
        {
            var idGender = IdNumber.Gender(id);
            var idBirth = IdNumber.BirthDate(id)!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            DeriveOrCheck(schema, row, Gender, idGender, "GENDER_ID_MISMATCH", warnings);
            DeriveOrCheck(schema, row, BirthDate, idBirth, "BIRTH_DATE_ID_MISMATCH", warnings);
        }
        if (schema.ScopeField is { } scope && row.GetValueOrDefault(scope) is { } community)
        {
            if (schema.FindField(CommunityName) is not null) row[CommunityName] = divisions.Find(community)?.Name;
            // A code's prefix is its parent: every level above the community follows from its code.
            foreach (var (level, length) in Levels)
            {
                if (schema.FindField(level + "_code") is { Derived: true }) row[level + "_code"] = community[..length];
                if (schema.FindField(level + "_name") is { Derived: true }) row[level + "_name"] = divisions.Find(community[..length])?.Name;
            }
        }
        row[schema.KeyField] = hasher.Hash(schema.NaturalKey.Select(k => row[k] ?? ""));
    }

    private static void DeriveOrCheck(DatasetSchema schema, Dictionary<string, string?> row, string field, string fromId, string warning, ICollection<string> warnings)
    {
        if (schema.FindField(field) is null) return;
        if (row.GetValueOrDefault(field) is null) row[field] = fromId;
        else if (row[field] != fromId) warnings.Add(warning); // the ID number is authoritative for checks, the source value is kept
    }
}
