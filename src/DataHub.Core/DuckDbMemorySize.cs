using System.Globalization;
using System.Text.RegularExpressions;

namespace DataHub.Core;

/// <summary>
/// A DuckDB <c>memory_limit</c> as operators write it: a number and a unit (<c>512MB</c>, <c>1GB</c>,
/// <c>1.5 GiB</c>). One pattern for every setting that takes one (serving, ingestion) and for the
/// budgets computed from them.
/// </summary>
public static partial class DuckDbMemorySize
{
    /// <summary>Whether <paramref name="text"/> is a size DuckDB accepts as written (no surrounding spaces).</summary>
    public static bool IsValid(string text) => Pattern().IsMatch(text);

    /// <summary>
    /// The size in bytes (surrounding spaces ignored); false when the text is not a size. DuckDB's
    /// KB/MB/GB are powers of 1000, its KiB/MiB/GiB powers of 1024; the difference is immaterial for a
    /// budget, so both are read as powers of 1024.
    /// </summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return false;
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var factor = m.Groups[2].Value[0] switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L << 40 };
        bytes = (long)(value * factor);
        return true;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
