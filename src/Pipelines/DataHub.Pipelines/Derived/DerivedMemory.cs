using System.Globalization;
using DataHub.Core;

namespace DataHub.Pipelines.Derived;

/// <summary>
/// The DuckDB memory limit of a derived rebuild: half the ingestion's configured limit (at least
/// 256 MB). DuckDB's buffer pool is not the process's whole footprint: the .NET runtime and the
/// address-matching chunks, DuckDB's allocations outside its pool and the pages the allocator keeps
/// after the publish that ran just before come on top. With every table of the rebuild in a scratch
/// database file, DuckDB spills past its limit instead of holding the rows in memory, so half the
/// limit costs some spilling but keeps the rebuild's peak under the configured figure (measured at 1M
/// and 3M rows: docs/DERIVED.md, "Bounded memory").
/// </summary>
internal static class DerivedMemory
{
    private const long Floor = 256L << 20;

    /// <summary>The limit as DuckDB reads it (whole MiB); the configured text as it is when it does not parse.</summary>
    public static string LimitFor(string configured)
    {
        if (!DuckDbMemorySize.TryParse(configured, out var bytes)) return configured;
        var half = Math.Max(Floor, bytes / 2);
        // Never above what was configured, even when that is below the floor.
        return (Math.Min(half, bytes) >> 20).ToString(CultureInfo.InvariantCulture) + "MiB";
    }
}
