using System.Runtime.InteropServices;

namespace DataHub.Host.Cli;

/// <summary>
/// A process started with SIGINT ignored (a test runner, <c>nohup</c>, a shell's background job)
/// passes that on to its children, and .NET then leaves SIGINT alone: Ctrl+C would not reach the
/// run. datahub is a foreground command whose Ctrl+C must cancel the run, so before .NET sets up its
/// signal handling the inherited "ignore" is put back to the default; .NET then installs its handler
/// and Console.CancelKeyPress sees Ctrl+C. Linux only (the ignored state is read from /proc); on
/// other systems nothing changes.
/// </summary>
internal static class InheritedSigInt
{
    private const int SigInt = 2;

    public static void Restore()
    {
        if (!OperatingSystem.IsLinux() || !IsIgnored()) return;
        try
        {
            _ = Signal(SigInt, IntPtr.Zero); // SIG_DFL
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No C library to ask (an unusual Linux): Ctrl+C stays as the parent left it; SIGTERM still cancels.
        }
    }

    private static bool IsIgnored()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: no generated marshalling (and no unsafe code) for two plain arguments.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "signal")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr Signal(int signal, IntPtr handler);
#pragma warning restore SYSLIB1054
}
