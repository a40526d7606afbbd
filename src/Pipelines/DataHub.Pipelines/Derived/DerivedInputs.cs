using DataHub.Catalog;
using DataHub.Core.Schema;
using DuckDB.NET.Data;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Derived;

/// <summary>The current version of one input dataset: what a derived version is computed from (its lineage).</summary>
internal sealed record InputVersion(string Dataset, long Version, string RunId, IReadOnlyList<string> Files);

/// <summary>
/// The inputs of the derived datasets, as DuckDB views over their current Parquet versions. A
/// department not yet ingested is an empty table of its schema, so every derived figure that needs
/// it is simply zero or empty ("works with whatever departments have been ingested").
/// </summary>
internal static class DerivedInputs
{
    /// <summary>The shared datasets the derived ones are computed from.</summary>
    public static readonly string[] Names = ["population", "housing", "enterprise", "health", "address"];

    public static async Task<IReadOnlyDictionary<string, InputVersion>> CurrentAsync(DataHubCatalog catalog, CancellationToken cancellationToken)
    {
        var inputs = new Dictionary<string, InputVersion>(StringComparer.Ordinal);
        // One query for every current version rather than two per input.
        foreach (var version in await catalog.Datasets.CurrentVersionsAsync(cancellationToken))
        {
            if (!Names.Contains(version.Dataset, StringComparer.Ordinal)) continue;
            var files = version.Files.Select(f => Path.Combine(version.Directory, f)).ToArray();
            if (files.Length == 0 || !files.All(File.Exists)) continue;
            inputs[version.Dataset] = new InputVersion(version.Dataset, version.Version, version.RunId, files);
        }
        return inputs;
    }

    /// <summary>Creates one view per input (its current files) or an empty table of its schema.</summary>
    public static void Attach(DuckDBConnection conn, IReadOnlyDictionary<string, InputVersion> inputs)
    {
        foreach (var name in Names)
        {
            var schema = SchemaLoader.Get(name);
            // BY NAME over the schema's own columns: a version written under an older schema version
            // that lacks a newer column still reads (the column is null).
            var typed = string.Join(", ", schema.Fields.Select(f => $"CAST(NULL AS {For(f)}) AS {Quote(f.Name)}"));
            DerivedSql.Exec(conn, inputs.TryGetValue(name, out var input)
                ? $"CREATE VIEW {Quote(name)} AS SELECT * FROM (SELECT {typed} WHERE false) UNION ALL BY NAME SELECT * FROM read_parquet([{string.Join(", ", input.Files.Select(Literal))}])"
                : $"CREATE TABLE {Quote(name)} AS SELECT {typed} WHERE false");
        }
    }
}
