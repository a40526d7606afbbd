using DuckDB.NET.Data;

namespace DataHub.Serving.Engine;

/// <summary>Reads sort keys of the last row of a page, typed for the skiptoken.</summary>
internal static class ColumnReaders
{
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
