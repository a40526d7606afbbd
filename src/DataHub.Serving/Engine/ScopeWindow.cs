using DataHub.Serving.Query;

namespace DataHub.Serving.Engine;

/// <summary>Reads <see cref="PageSql.Window"/>: the scope code at which the rows still to come reach the number a page needs.</summary>
internal static class ScopeWindow
{
    /// <summary>The smallest scope code by which <paramref name="rowsNeeded"/> rows have come, or null when fewer remain.</summary>
    public static string? UpperBound(QuerySession session, SqlStatement window, long rowsNeeded, CancellationToken cancellationToken)
    {
        using var reader = DuckDbCommands.Reader(session.Command(window), cancellationToken);
        long seen = 0;
        while (reader.Read())
        {
            seen += reader.GetInt64(1);
            if (seen >= rowsNeeded) return reader.GetString(0);
        }
        return null;
    }
}
