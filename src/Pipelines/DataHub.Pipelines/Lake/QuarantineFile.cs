using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Lake;

/// <summary>One quarantined row as <c>quarantine.parquet</c> holds it.</summary>
/// <param name="OriginalValues">For a <c>row</c> or <c>deletion</c>: the source values as JSON (column → text); for a <c>key_conflict</c>: both normalised rows.</param>
/// <param name="Kind"><c>row</c> (can be reprocessed after a mapping fix), <c>deletion</c> or <c>key_conflict</c>.</param>
public sealed record QuarantineRow(long SourceLine, string ReasonCodes, string Reasons, string OriginalValues, string Kind)
{
    public const string RowKind = "row";

    public IReadOnlyList<string> Codes => ReasonCodes.Split(';', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The source values of a <c>row</c> or <c>deletion</c> (column → text); empty for a key conflict.</summary>
    public IReadOnlyDictionary<string, string?> Values()
    {
        if (Kind == "key_conflict") return new Dictionary<string, string?>();
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(OriginalValues);
        foreach (var p in doc.RootElement.EnumerateObject())
            values[p.Name] = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
        return values;
    }
}

/// <summary>
/// Reads a run's quarantine file (<c>_runs/{run}/quarantine.parquet</c>, written by the run's stage)
/// with DuckDB, streaming. Files written before rows recorded their kind are read as rows, key
/// conflicts recognised by their reason code.
/// </summary>
public static class QuarantineFile
{
    public const string FileName = "quarantine.parquet";

    public static string In(string runDirectory) => Path.Combine(runDirectory, FileName);

    /// <summary>Every row in source-line order.</summary>
    public static IEnumerable<QuarantineRow> Read(string path, CancellationToken cancellationToken)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT source_line, reason_codes, reasons, original_values, {KindExpression(conn, path)} FROM read_parquet({Literal(path)}) ORDER BY source_line";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new QuarantineRow(Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4));
        }
    }

    /// <summary>Rows per reason code (a row with two reasons counts under both), rows in all, and rows a reprocess can retry.</summary>
    public static (IReadOnlyDictionary<string, long> ByReason, long Rows, long Reprocessable) Summary(string path)
    {
        using var conn = Open();
        var kind = KindExpression(conn, path);
        var byReason = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"SELECT code, count(*) FROM (SELECT unnest(string_split(reason_codes, ';')) AS code FROM read_parquet({Literal(path)})) GROUP BY 1 ORDER BY 2 DESC, 1";
            using var r = cmd.ExecuteReader();
            while (r.Read()) byReason[r.GetString(0)] = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
        }
        using var total = conn.CreateCommand();
        total.CommandText = $"SELECT count(*), count(*) FILTER (WHERE {kind} = 'row') FROM read_parquet({Literal(path)})";
        using var t = total.ExecuteReader();
        t.Read();
        return (byReason, Convert.ToInt64(t.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(t.GetValue(1), CultureInfo.InvariantCulture));
    }

    private static DuckDBConnection Open()
    {
        var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SET autoinstall_known_extensions=false; SET autoload_known_extensions=false; SET threads=1;";
        cmd.ExecuteNonQuery();
        return conn;
    }

    private static string KindExpression(DuckDBConnection conn, string path)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet({Literal(path)})) WHERE column_name = 'record_kind'";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0
            ? "record_kind"
            : "CASE WHEN reason_codes = 'KEY_CONFLICT' THEN 'key_conflict' ELSE 'row' END";
    }
}
