using System.Globalization;
using System.Text.RegularExpressions;

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
internal static partial class DerivedMemory
{
    private const long Floor = 256L << 20;

    /// <summary>The limit as DuckDB reads it (whole MiB); the configured text as it is when it does not parse.</summary>
    public static string LimitFor(string configured)
    {
        var m = Size().Match(configured);
        if (!m.Success) return configured;
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Value;
        var factor = unit[0] switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L << 40 };
        // DuckDB's KB/MB/GB are powers of 1000, its KiB/MiB/GiB powers of 1024; the difference is
        // immaterial for a budget, so both are read as powers of 1024 here.
        var bytes = (long)(value * factor);
        var half = Math.Max(Floor, bytes / 2);
        // Never above what was configured, even when that is below the floor.
        return (Math.Min(half, bytes) >> 20).ToString(CultureInfo.InvariantCulture) + "MiB";
    }

    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)\s?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Size();
}
