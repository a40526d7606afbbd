using System.Data.Common;
using DataHub.Catalog.Storage;
using DataHub.Core.Standards;

namespace DataHub.Catalog.Divisions;

/// <summary>
/// The division reference table (统计用区划代码) kept in the catalog. The shipped subset is loaded
/// once per reference version; codes change yearly, so a new year is a new version, never an edit.
/// </summary>
public sealed class DivisionReference : IDivisionDirectory
{
    public const string ShippedVersion = "2023";

    private readonly Dictionary<string, DivisionInfo> _byCode;

    private DivisionReference(Dictionary<string, DivisionInfo> byCode) => _byCode = byCode;

    public int Count => _byCode.Count;

    public DivisionInfo? Find(string code) => _byCode.GetValueOrDefault(code);

    /// <summary>The divisions directly below <paramref name="parentCode"/>, ordered by code.</summary>
    public IReadOnlyList<DivisionInfo> Children(string parentCode) =>
        _byCode.Values.Where(d => d.ParentCode == parentCode).OrderBy(d => d.Code, StringComparer.Ordinal).ToList();

    /// <summary>All communities (12-digit) inside a division, ordered by code.</summary>
    public IReadOnlyList<DivisionInfo> CommunitiesWithin(string scopeCode) =>
        _byCode.Values.Where(d => d.Level == DivisionLevel.Community && DivisionCode.IsWithin(d.Code, scopeCode))
            .OrderBy(d => d.Code, StringComparer.Ordinal).ToList();

    /// <summary>Loads the shipped reference into the catalog if absent, then reads the table.</summary>
    public static async Task<DivisionReference> LoadAsync(CatalogDatabase db, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        var have = Convert.ToInt64(await CatalogDatabase.ScalarAsync(conn, null,
            "SELECT COUNT(*) FROM divisions WHERE reference_version = @v", [("v", ShippedVersion)], cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (have == 0) await ImportShippedAsync(conn, cancellationToken);
        var rows = await CatalogDatabase.QueryAsync(conn, null, "SELECT code, name, level, parent_code FROM divisions", [],
            r => new DivisionInfo(r.GetString(0), r.GetString(1), (DivisionLevel)r.GetInt32(2), CatalogDatabase.NullableString(r, 3)), cancellationToken);
        return new DivisionReference(rows.ToDictionary(d => d.Code, StringComparer.Ordinal));
    }

    private static async Task ImportShippedAsync(DbConnection conn, CancellationToken cancellationToken)
    {
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        // file, the column holding the parent code (the level above; -1: none), level
        var files = new (string File, int Parent, DivisionLevel Level)[]
        {
            ("provinces.csv", -1, DivisionLevel.Province),
            ("cities.csv", 2, DivisionLevel.City),
            ("areas.csv", 2, DivisionLevel.District),
            ("streets.csv", 2, DivisionLevel.Street),
            ("villages.csv", 2, DivisionLevel.Community),
        };
        var rows = files.SelectMany(f => ReadShipped(f.File).Select(cols => (Code: cols[0], Name: cols[1], Level: (int)f.Level, Parent: f.Parent < 0 ? null : cols[f.Parent])));
        // Multi-row inserts: one round trip per 500 divisions matters on a PostgreSQL catalog.
        foreach (var chunk in rows.Chunk(500))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"(@c{i}, @n{i}, @l{i}, @p{i}, @v)"));
            var args = chunk.SelectMany((d, i) => new (string, object?)[] { ($"c{i}", d.Code), ($"n{i}", d.Name), ($"l{i}", d.Level), ($"p{i}", d.Parent) })
                .Append(("v", ShippedVersion));
            await CatalogDatabase.ExecAsync(conn, tx, $"INSERT INTO divisions (code, name, level, parent_code, reference_version) VALUES {values}", args, cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    private static IEnumerable<string[]> ReadShipped(string file)
    {
        using var stream = typeof(DivisionReference).Assembly.GetManifestResourceStream($"reference/divisions/{file}")
            ?? throw new InvalidOperationException($"The reference file {file} is not embedded in DataHub.Catalog.");
        using var reader = new StreamReader(stream);
        reader.ReadLine(); // header
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            // Reference names never contain commas or quotes inside quotes; a plain split suffices.
            yield return line.Split(',').Select(c => c.Trim('"')).ToArray();
        }
    }
}
