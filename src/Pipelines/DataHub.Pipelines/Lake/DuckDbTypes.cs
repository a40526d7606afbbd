using System.Globalization;
using DataHub.Core.Schema;

namespace DataHub.Pipelines.Lake;

/// <summary>The DuckDB (and so Parquet) type of each shared-schema field type.</summary>
public static class DuckDbTypes
{
    public static string For(FieldSpec f) => f.Type switch
    {
        FieldType.String => "VARCHAR",
        FieldType.Int32 => "INTEGER",
        FieldType.Int64 => "BIGINT",
        FieldType.Decimal => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({f.Precision},{f.Scale})"),
        FieldType.Double => "DOUBLE",
        FieldType.Boolean => "BOOLEAN",
        FieldType.Date => "DATE",
        FieldType.DateTimeOffset => "TIMESTAMPTZ",
        _ => throw new ArgumentOutOfRangeException(nameof(f), f.Type, null),
    };

    /// <summary>Quotes an identifier for DuckDB SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Quotes a string literal (paths in COPY, which cannot be parameters).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
