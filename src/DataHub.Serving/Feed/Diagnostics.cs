using DataHub.Serving.Engine;
using DuckDB.NET.Data;

namespace DataHub.Serving.Feed;

/// <summary>Engineer-facing failure text for <see cref="FeedOutcome.Failure"/>: never row values (STYLE.md habit 14).</summary>
internal static class Diagnostics
{
    public static string Describe(Exception ex) => ex switch
    {
        DuckDBException duck => DuckDbErrors.Diagnose(duck),
        { InnerException: DuckDBException inner } => $"{ex.GetType().Name} <- {DuckDbErrors.Diagnose(inner)}",
        // Our own exceptions and the OData library's never carry row values.
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
