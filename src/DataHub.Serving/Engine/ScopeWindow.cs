using DataHub.Serving.Query;

namespace DataHub.Serving.Engine;

/// <summary>Reads <see cref="PageSql.Window"/>: the scope code at which the rows still to come reach the number a page needs.</summary>
internal static class ScopeWindow
{
    /// <summary>
    /// The smallest scope code by which <paramref name="rowsNeeded"/> rows have come (null when fewer
    /// remain), and the rows the window counted in all: on a first page (no keyset) that is the
    /// <c>$count</c> of the same filter and scope, so the page needs no count statement of its own.
    /// </summary>
    public static (string? Bound, long Rows) UpperBound(QuerySession session, SqlStatement window, long rowsNeeded, CancellationToken cancellationToken)
    {
        using var reader = DuckDbCommands.Reader(session.Command(window), cancellationToken);
        long seen = 0;
        string? bound = null;
        while (reader.Read())
        {
            seen += reader.GetInt64(1);
            if (bound is null && seen >= rowsNeeded) bound = reader.GetString(0);
        }
        return (bound, seen);
    }
}
