using DataHub.Core.Schema;
using DataHub.Serving.Query;
using DuckDB.NET.Data;

namespace DataHub.Serving.Tests.Kit;

/// <summary>Writes rows as the pipeline does: Parquet via DuckDB COPY, typed per schema, sorted by scope column then key.</summary>
public static class LakeWriter
{
    /// <param name="orderBy">SQL ORDER BY of the file instead of scope column then key (a test of an unsorted file).</param>
    public static void Write(DatasetSchema schema, IEnumerable<object?[]> rows, string path, int rowGroupSize = 256, string? orderBy = null)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        Execute(connection, "SET TimeZone='UTC'");
        var columns = string.Join(", ", schema.Fields.Select(f => $"{SqlStatement.Identifier(f.Name)} {DuckTypes.Of(f)}"));
        Execute(connection, $"CREATE TABLE t ({columns})");
        using (var appender = connection.CreateAppender("t"))
        {
            foreach (var values in rows)
            {
                var row = appender.CreateRow();
                foreach (var value in values)
                {
                    row = value switch
                    {
                        null => row.AppendNullValue(),
                        string s => row.AppendValue(s),
                        int i => row.AppendValue(i),
                        long l => row.AppendValue(l),
                        decimal m => row.AppendValue(m),
                        double d => row.AppendValue(d),
                        bool b => row.AppendValue(b),
                        DateOnly d => row.AppendValue(d),
                        DateTimeOffset t => row.AppendValue(t),
                        _ => throw new ArgumentException($"Unsupported test value {value.GetType()}"),
                    };
                }
                row.EndRow();
            }
        }
        var order = orderBy ?? string.Join(", ", new[] { schema.ScopeField, schema.KeyField }.OfType<string>().Select(SqlStatement.Identifier));
        Execute(connection, $"COPY (SELECT * FROM t ORDER BY {order}) TO {SqlStatement.Literal(path)} (FORMAT parquet, ROW_GROUP_SIZE {rowGroupSize})");
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
