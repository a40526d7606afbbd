using System.Globalization;
using DataHub.Catalog.Runs;
using DataHub.Core.Schema;
using DataHub.Pipelines.Lake;
using DuckDB.NET.Data;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// The quality figures of a version, per community, computed in the publish with DuckDB over the
/// staged parts (nothing is loaded into memory). Metrics (field <c>*</c> = the whole row):
/// <list type="bullet">
/// <item><c>rows</c>: rows of the community;</item>
/// <item><c>completeness</c> per field: non-null values / rows (a field a source does not supply shows 0);</item>
/// <item><c>validity</c> per field and <c>*</c>: rows without a field issue / rows (this run's field-issue file
/// for the communities of its part; carried parts keep the figures of the version they came from);</item>
/// <item><c>uniqueness</c>: distinct record ids / rows;</item>
/// <item><c>key_conflicts</c> (<c>*</c>, dataset level): rows of this run quarantined as key conflicts;</item>
/// <item><c>record_age_days</c>: median age of the version field (e.g. 更新时间) at publish time.</item>
/// </list>
/// </summary>
public static class QualityFigures
{
    public const string AllCommunities = "*";
    public const string WholeRow = "*";

    public static IReadOnlyList<QualityFigure> Compute(string versionDirectory, string ownPartFile, DatasetSchema schema, string runDirectory,
        IReadOnlyList<QualityFigure> previous, long keyConflicts, DateTimeOffset now)
    {
        if (schema.ScopeField is not { } scope) return [];
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        Exec(conn, "SET autoinstall_known_extensions=false; SET autoload_known_extensions=false; SET threads=2;");
        var parts = Directory.EnumerateFiles(versionDirectory, "part-*.parquet").Select(Literal).ToArray();
        if (parts.Length == 0) return [];
        var figures = new List<QualityFigure>();
        var fields = schema.Fields.Where(f => !f.Derived).ToArray();
        var counts = string.Join(", ", fields.Select(f => $"count({Quote(f.Name)})"));
        var age = schema.VersionField is { } vf
            ? $"median({now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)} - epoch({Quote(vf)})) / 86400.0"
            : "NULL";
        var sql = $"SELECT {Quote(scope)}, count(*), count(DISTINCT {Quote(schema.KeyField)}), {age}, {counts} FROM read_parquet([{string.Join(", ", parts)}]) GROUP BY 1 ORDER BY 1";
        var rowsByCommunity = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in Rows(conn, sql))
        {
            var community = (string)r[0]!;
            var n = Convert.ToInt64(r[1], CultureInfo.InvariantCulture);
            rowsByCommunity[community] = n;
            figures.Add(Figure(community, WholeRow, "rows", n, n));
            figures.Add(Figure(community, WholeRow, "uniqueness", Convert.ToInt64(r[2], CultureInfo.InvariantCulture), n));
            if (r[3] is { } days) figures.Add(new QualityFigure(community, WholeRow, "record_age_days", Convert.ToDouble(days, CultureInfo.InvariantCulture), 0, 1));
            for (var i = 0; i < fields.Length; i++) figures.Add(Figure(community, fields[i].Name, "completeness", Convert.ToInt64(r[4 + i], CultureInfo.InvariantCulture), n));
        }

        // Validity: this run's field issues for the communities of its own part; other parts keep theirs.
        var own = Rows(conn, $"SELECT DISTINCT {Quote(scope)} FROM read_parquet({Literal(Path.Combine(versionDirectory, ownPartFile))})")
            .Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        var issues = Path.Combine(runDirectory, "field_issues.parquet");
        var byField = new Dictionary<(string Community, string Field), long>();
        var byRow = new Dictionary<string, long>(StringComparer.Ordinal);
        if (File.Exists(issues))
        {
            foreach (var r in Rows(conn, $"SELECT community_code, field, count(DISTINCT source_line) FROM read_parquet({Literal(issues)}) GROUP BY 1, 2"))
                byField[((string)r[0]!, (string)r[1]!)] = Convert.ToInt64(r[2], CultureInfo.InvariantCulture);
            foreach (var r in Rows(conn, $"SELECT community_code, count(DISTINCT source_line) FROM read_parquet({Literal(issues)}) GROUP BY 1"))
                byRow[(string)r[0]!] = Convert.ToInt64(r[1], CultureInfo.InvariantCulture);
        }
        foreach (var (community, n) in rowsByCommunity)
        {
            if (own.Contains(community))
            {
                figures.Add(Figure(community, WholeRow, "validity", n - byRow.GetValueOrDefault(community), n));
                foreach (var f in fields) figures.Add(Figure(community, f.Name, "validity", n - byField.GetValueOrDefault((community, f.Name)), n));
            }
            else figures.AddRange(previous.Where(p => p.CommunityCode == community && p.Metric == "validity"));
        }
        figures.Add(new QualityFigure(AllCommunities, WholeRow, "key_conflicts", keyConflicts, keyConflicts, 1));
        return figures;
    }

    private static QualityFigure Figure(string community, string field, string metric, long numerator, long denominator) =>
        new(community, field, metric, denominator == 0 ? 0 : (double)numerator / denominator, numerator, denominator);

    private static void Exec(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static List<object?[]> Rows(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (var i = 0; i < r.FieldCount; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
