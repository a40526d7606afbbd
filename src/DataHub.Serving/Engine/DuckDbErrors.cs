using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace DataHub.Serving.Engine;

/// <summary>
/// Sorts DuckDB failures into "the user's expression failed" and "ours". Neither message reaches the
/// user: DuckDB may evaluate a filter on rows outside the principal's scope before the scope
/// condition, and its messages quote values ("Overflow in multiplication of INT32 (x * y)") and SQL.
/// </summary>
internal static class DuckDbErrors
{
    /// <summary>Failures a request's own expression can cause: overflow, bad conversion, bad argument, too deep.</summary>
    public static bool IsCausedByQuery(DuckDBException ex) => ex.ErrorType is
        DuckDBErrorType.OutOfRange or DuckDBErrorType.Conversion or DuckDBErrorType.InvalidInput
        or DuckDBErrorType.DivideByZero or DuckDBErrorType.Parser;

    /// <summary>
    /// A diagnostic for the engineer's log without row values: the error class, plus the message for
    /// classes whose messages name only schema objects (binder, catalog, I/O).
    /// </summary>
    public static string Diagnose(DuckDBException ex) => ex.ErrorType switch
    {
        DuckDBErrorType.Binder or DuckDBErrorType.Catalog or DuckDBErrorType.Io
            => $"DuckDB {ex.ErrorType}: {FirstLine(ex.Message)}",
        _ => $"DuckDB {ex.ErrorType}",
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
