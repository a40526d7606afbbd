using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Engine;

/// <summary>
/// Reads result columns as the CLR types Microsoft.OData writes for each Edm type (key lookups,
/// $apply results and downloads; pages use the faster JsonPageWriter), and the sort keys of the last
/// row of a page, typed for the skiptoken.
/// </summary>
internal static class ColumnReaders
{
    public delegate object? Read(DuckDBDataReader reader, int ordinal);

    public static Read For(EdmPrimitiveTypeKind kind)
    {
        var inv = CultureInfo.InvariantCulture;
        Read read = kind switch
        {
            EdmPrimitiveTypeKind.String => (r, i) => r.GetString(i),
            EdmPrimitiveTypeKind.Int32 => (r, i) => Convert.ToInt32(r.GetValue(i), inv),
            EdmPrimitiveTypeKind.Int64 => (r, i) => Convert.ToInt64(r.GetValue(i), inv),
            EdmPrimitiveTypeKind.Decimal => (r, i) => Convert.ToDecimal(r.GetValue(i), inv),
            EdmPrimitiveTypeKind.Double => (r, i) => Convert.ToDouble(r.GetValue(i), inv),
            EdmPrimitiveTypeKind.Boolean => (r, i) => r.GetBoolean(i),
            // Microsoft.OData 8 writes System.DateOnly as Edm.Date ("yyyy-mm-dd").
            EdmPrimitiveTypeKind.Date => (r, i) => r.GetFieldValue<DateOnly>(i),
            // TIMESTAMPTZ comes back in UTC: written with 'Z'.
            EdmPrimitiveTypeKind.DateTimeOffset => (r, i) => r.GetFieldValue<DateTimeOffset>(i),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No reader for this Edm type."),
        };
        return (r, i) => r.IsDBNull(i) ? null : read(r, i);
    }

    /// <summary>A sort-key value for the skiptoken, typed so it binds back as the same DuckDB type.</summary>
    public static object? SortValue(DuckDBDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal)) return null;
        return reader.GetValue(ordinal) switch
        {
            // DuckDB.NET returns TIMESTAMPTZ as a DateTime holding UTC.
            DateTime => reader.GetFieldValue<DateTimeOffset>(ordinal),
            short s => (int)s,
            sbyte sb => (int)sb,
            byte b => (int)b,
            float f => (double)f,
            var value => value,
        };
    }
}
