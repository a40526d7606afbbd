using System.Runtime.InteropServices;

namespace DataHub.Serving.Engine;

/// <summary>
/// DuckDB's work at a lower CPU scheduling priority than the web's threads, when
/// <see cref="ServingOptions.WorkerNice"/> asks for it: under a crowd of clients the query workers
/// (and DuckDB's own threads) keep both cores busy, and at equal priority a health check or a quick
/// 503 waits its turn behind them. On Linux the thread's nice value is raised (any process may
/// lower its own threads' priority; .NET's Thread.Priority does not reach the scheduler there).
/// Elsewhere nothing changes. A failure is ignored: priority is a preference, not a requirement.
/// </summary>
internal static partial class WorkerPriority
{
    /// <summary>Lowers the calling thread's priority by <paramref name="nice"/> (threads it starts inherit it on Linux).</summary>
    public static void LowerCurrentThread(int nice)
    {
        if (nice <= 0 || !OperatingSystem.IsLinux()) return;
        try
        {
            // PRIO_PROCESS with a thread id addresses that thread. Relative to the thread's own nice
            // value (a node started under nice stays below the web's threads, never above them).
            var tid = GetTid();
            Marshal.SetLastPInvokeError(0);
            var current = GetPriority(0, tid);
            if (current == -1 && Marshal.GetLastPInvokeError() != 0) return;
            SetPriority(0, tid, Math.Min(19, current + nice));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>Runs <paramref name="action"/> on a new thread of lowered priority and waits for it: threads DuckDB starts there inherit the priority.</summary>
    public static void RunLowered(int nice, Action action)
    {
        if (nice <= 0 || !OperatingSystem.IsLinux())
        {
            action();
            return;
        }
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            LowerCurrentThread(nice);
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { IsBackground = true, Name = "DataHub DuckDB start" };
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
