using System.Diagnostics;
using System.Text;

namespace DataHub.Host.Tests.Cli;

/// <summary>The built <c>datahub</c> executable in a process of its own, as an operator runs it.</summary>
internal sealed class DatahubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DatahubProcess(Process process) => _process = process;

    public static DatahubProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "datahub.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var p = new DatahubProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        p._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (p._stdout) p._stdout.AppendLine(e.Data); };
        p._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (p._stderr) p._stderr.AppendLine(e.Data); };
        p._process.Exited += (_, _) => p._exited.TrySetResult();
        p._process.Start();
        p._process.BeginOutputReadLine();
        p._process.BeginErrorReadLine();
        return p;
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits until standard output or error contains <paramref name="text"/>; fails if the process ends first.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (!Stdout.Contains(text, StringComparison.Ordinal) && !Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new InvalidOperationException($"datahub exited ({_process.ExitCode}) before printing “{text}”:\n{Stdout}\n{Stderr}");
            if (until.Elapsed > timeout) throw new TimeoutException($"datahub did not print “{text}” within {timeout}:\n{Stdout}\n{Stderr}");
            await Task.Delay(50);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"datahub did not exit within {timeout}:\n{Stdout}\n{Stderr}");
        }
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL on Unix (TerminateProcess on Windows): no finally block, no handler runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Ctrl+C as a terminal sends it (SIGINT to the process).</summary>
    public void Interrupt()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("SIGINT to a child needs a console group on Windows.");
        // A test runner may start its test hosts with SIGINT ignored, and an ignored signal stays
        // ignored in the child; then the stop request an init system sends (SIGTERM, handled the same
        // way by datahub) is sent instead.
        var signal = IgnoresSigInt(_process.Id) ? "-TERM" : "-INT";
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static bool IgnoresSigInt(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status)) return false;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0; // bit 1 = SIGINT (2)
    }
}
