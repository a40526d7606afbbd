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
        // file, code column, name column, parent column (the level above), level
        var files = new (string File, int Parent, DivisionLevel Level)[]
        {
            ("provinces.csv", -1, DivisionLevel.Province),
            ("cities.csv", 2, DivisionLevel.City),
            ("areas.csv", 2, DivisionLevel.District),
            ("streets.csv", 2, DivisionLevel.Street),
            ("villages.csv", 2, DivisionLevel.Community),
        };
        foreach (var (file, parentColumn, level) in files)
        {
            foreach (var cols in ReadShipped(file))
            {
                var code = cols[0];
                var name = cols[1];
                // 市辖区 and similar placeholder cities keep their code; the parent is the level above by prefix.
                string? parent = parentColumn < 0 ? null : cols[parentColumn];
                await CatalogDatabase.ExecAsync(conn, tx,
                    "INSERT INTO divisions (code, name, level, parent_code, reference_version) VALUES (@c, @n, @l, @p, @v)",
                    [("c", code), ("n", name), ("l", (int)level), ("p", parent), ("v", ShippedVersion)], cancellationToken);
            }
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
