using System.Globalization;
using System.Runtime.InteropServices;
using DuckDB.NET.Data;

namespace DataHub.Bench;

internal sealed record MachineInfo(int Processors, long MemoryBytes, string Cpu, string Os, string Runtime, string DuckDb, double? LoadAtStart)
{
    public static MachineInfo Collect()
    {
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT version()";
        var duck = Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "?";
        return new MachineInfo(Environment.ProcessorCount, MemTotal(), CpuModel(), RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, duck, LoadAverage());
    }

    /// <summary>The 1-minute load average (/proc/loadavg), or null where there is none. Above the processor count, other work competed for the CPU.</summary>
    public static double? LoadAverage()
    {
        var first = ReadLines("/proc/loadavg").FirstOrDefault()?.Split(' ')[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
    }

    private static long MemTotal()
    {
        // /proc/meminfo: "MemTotal:       24551234 kB"
        var line = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n * 1024 : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    private static string CpuModel() =>
        ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];
}
