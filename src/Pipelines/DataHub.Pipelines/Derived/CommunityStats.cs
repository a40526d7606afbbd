using DataHub.Pipelines.Resolution;
using DuckDB.NET.Data;

namespace DataHub.Pipelines.Derived;

/// <summary>
/// <c>community_stats</c>: residents by community and age band for opening as aggregates. Cells
/// under <see cref="SmallCellSuppression.DefaultK"/> are withheld, and complementary cells with
/// them, so no withheld figure can be recovered from the row totals (published) or the column
/// totals (the district figures anyone can ask for). Residents of unknown age are not in the table.
/// </summary>
internal static class CommunityStats
{
    private static readonly string[] Bands = ["age_0_17", "age_18_59", "age_60_79", "age_80_plus"];

    public static void Build(DuckDBConnection conn)
    {
        var communities = new List<(string Code, string? Name, string Street)>();
        var counts = new List<long[]>();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = """
                SELECT community_code, max(community_name), max(street_code),
                       count(*) FILTER (WHERE age < 18), count(*) FILTER (WHERE age BETWEEN 18 AND 59),
                       count(*) FILTER (WHERE age BETWEEN 60 AND 79), count(*) FILTER (WHERE age >= 80)
                FROM residents WHERE age IS NOT NULL GROUP BY community_code ORDER BY community_code
                """;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                communities.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)));
                counts.Add([.. Enumerable.Range(3, Bands.Length).Select(i => Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))]);
            }
        }
        var cells = new long[communities.Count, Bands.Length];
        for (var i = 0; i < communities.Count; i++)
        for (var j = 0; j < Bands.Length; j++) cells[i, j] = counts[i][j];
        var table = SmallCellSuppression.Apply(cells);
        if (SmallCellSuppression.AnyRecoverable(table, out var cell))
            throw new InvalidOperationException($"Small-cell suppression left cell ({cell.Row}, {cell.Column}) recoverable.");

        DerivedSql.Exec(conn, "CREATE TABLE community_stats (record_id VARCHAR, community_code VARCHAR, community_name VARCHAR, street_code VARCHAR, "
            + "residents BIGINT, " + string.Join(", ", Bands.Select(b => b + " BIGINT")) + ", suppressed_cells BIGINT)");
        using var appender = conn.CreateAppender("community_stats");
        for (var i = 0; i < communities.Count; i++)
        {
            var (code, name, street) = communities[i];
            var row = appender.CreateRow().AppendValue(DerivedSql.StableId("community_stats|" + code))
                .AppendValue(code).AppendValue(name).AppendValue(street).AppendValue(table.RowTotal(i));
            var withheld = table.IsSuppressed(i, Bands.Length) ? 1L : 0L;
            for (var j = 0; j < Bands.Length; j++)
            {
                row.AppendValue(table.Value(i, j));
                if (table.IsSuppressed(i, j)) withheld++;
            }
            row.AppendValue(withheld).EndRow();
        }
    }
}
