using System.Globalization;

namespace DataHub.Bench;

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) throw new InvalidOperationException("No values.");
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string Mb(double bytes) => (bytes / (1024.0 * 1024)).ToString("N0", CultureInfo.InvariantCulture) + " MB";

    public static string Mb1(double bytes) => (bytes / (1024.0 * 1024)).ToString("N1", CultureInfo.InvariantCulture) + " MB";

    public static string Kb(double bytes) => (bytes / 1024.0).ToString("N0", CultureInfo.InvariantCulture) + " KB";

    public static string Ratio(double ratio) => ratio.ToString(ratio >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + "×";

    public static string Ms(double seconds) => (seconds * 1000).ToString(seconds < 0.01 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    public static string S(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);

    public static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
