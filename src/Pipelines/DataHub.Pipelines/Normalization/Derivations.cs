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

    /// <summary>What <see cref="Apply"/> needs to know about a schema, worked out once per schema (it runs once per record).</summary>
    private sealed record Plan(FieldSpec? IdField, bool Gender, bool BirthDate, bool CommunityName, (int Length, string? Code, string? Name)[] Levels);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DatasetSchema, Plan> Plans = new(ReferenceEqualityComparer.Instance);

    private static Plan PlanFor(DatasetSchema schema) => Plans.GetOrAdd(schema, static s => new Plan(
        IdField(s), s.FindField(Gender) is not null, s.FindField(BirthDate) is not null, s.FindField(CommunityName) is not null,
        Levels.Select(l => (l.Length,
                s.FindField(l.Level + "_code") is { Derived: true } ? l.Level + "_code" : null,
                s.FindField(l.Level + "_name") is { Derived: true } ? l.Level + "_name" : null))
            .Where(l => l.Item2 is not null || l.Item3 is not null).ToArray()));

    /// <summary>Fills derivable fields in place; returns quality warnings (values kept, but inconsistent).</summary>
    public static void Apply(DatasetSchema schema, Dictionary<string, string?> row, IDivisionDirectory divisions, RecordIdHasher hasher, ICollection<string> warnings)
    {
        var plan = PlanFor(schema);
        if (plan.IdField is { } idField && row.GetValueOrDefault(idField.Name) is { } id)
        {
            if (plan.Gender) DeriveOrCheck(row, Gender, IdNumber.Gender(id), "GENDER_ID_MISMATCH", warnings);
            if (plan.BirthDate) DeriveOrCheck(row, BirthDate, IdNumber.BirthDate(id)!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "BIRTH_DATE_ID_MISMATCH", warnings);
        }
        if (schema.ScopeField is { } scope && row.GetValueOrDefault(scope) is { } community)
        {
            if (plan.CommunityName) row[CommunityName] = divisions.Find(community)?.Name;
            // A code's prefix is its parent: every level above the community follows from its code.
            foreach (var (length, code, name) in plan.Levels)
            {
                var prefix = community[..length];
                if (code is not null) row[code] = prefix;
                if (name is not null) row[name] = divisions.Find(prefix)?.Name;
            }
        }
        if (UsesFallbackKey(schema, row))
        {
            // No ID number: the record id is the keyed hash of the fallback fields under a marker no
            // natural key starts with, so it never equals the id of anyone's ID number (never merged).
            row[schema.KeyField] = hasher.Hash(schema.FallbackKey!.Select(f => row.GetValueOrDefault(f) ?? "").Prepend(FallbackMarker));
            warnings.Add(FallbackWarning);
        }
        else row[schema.KeyField] = hasher.Hash(schema.NaturalKey, row);
    }

    /// <summary>The quality warning of a row identified by its fallback key (counted per run like any warning).</summary>
    public const string FallbackWarning = "RECORD_ID_FROM_FALLBACK_KEY";

    private const string FallbackMarker = "\u0000fallback";

    /// <summary>Whether the row's natural key is empty and the schema lets its fallback key identify it instead.</summary>
    public static bool UsesFallbackKey(DatasetSchema schema, IReadOnlyDictionary<string, string?> row) =>
        schema.FallbackKey is not null && schema.NaturalKey.All(f => row.GetValueOrDefault(f) is null);

    private static void DeriveOrCheck(Dictionary<string, string?> row, string field, string fromId, string warning, ICollection<string> warnings)
    {
        if (row.GetValueOrDefault(field) is null) row[field] = fromId;
        else if (row[field] != fromId) warnings.Add(warning); // the ID number is authoritative for checks, the source value is kept
    }
}
