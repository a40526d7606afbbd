using DataHub.Core.Schema;

namespace DataHub.Pipelines.Lake;

/// <summary>DuckDB SQL helpers for the lake writer: column types (from <see cref="LakeTypes"/>) and quoting.</summary>
public static class DuckDbTypes
{
    public static string For(FieldSpec f) => LakeTypes.DuckDbType(f);

    /// <summary>Quotes an identifier for DuckDB SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>An empty table with the schema's columns, in order, typed as the lake stores them.</summary>
    public static string CreateTable(string table, DatasetSchema schema) =>
        $"CREATE TABLE {Quote(table)} (" + string.Join(", ", schema.Fields.Select(f => $"{Quote(f.Name)} {For(f)}")) + ")";

    /// <summary>
    /// The COPY options of every published version's Parquet (ingested, reprocessed, derived and
    /// platform datasets): zstd, and 4,096-row groups, so a community page decodes a few thousand rows
    /// rather than 16,384 (measured in docs/ARCHITECTURE.md, "Speed and load").
    /// </summary>
    public const string PublishedParquet = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)";

    /// <summary>Quotes a string literal (paths in COPY, which cannot be parameters).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
