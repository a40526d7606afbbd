using System.Globalization;

namespace DataHub.Core.Schema;

/// <summary>
/// The column type each field has in the lake: the DuckDB type the pipeline writes to Parquet and
/// the serving layer reads back. One table, because writer and reader must agree.
/// </summary>
public static class LakeTypes
{
    public static string DuckDbType(FieldSpec field) => field.Type switch
    {
        FieldType.String => "VARCHAR",
        FieldType.Int32 => "INTEGER",
        FieldType.Int64 => "BIGINT",
        FieldType.Decimal => string.Create(CultureInfo.InvariantCulture, $"DECIMAL({field.Precision},{field.Scale})"),
        FieldType.Double => "DOUBLE",
        FieldType.Boolean => "BOOLEAN",
        FieldType.Date => "DATE",
        FieldType.DateTimeOffset => "TIMESTAMPTZ",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field.Type, "No lake type for this field type."),
    };
}
