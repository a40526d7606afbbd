using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataHub.Bench;

/// <summary>
/// Runs a probe in a fresh process (this executable, hidden sub-command <see cref="Verb"/>), so that
/// Process.PeakWorkingSet64, which is process-wide, belongs to that one measurement; or in this process
/// with <c>--in-process</c>.
/// </summary>
internal static class ProbeHost
{
    public const string Verb = "__probe";

    private const string Marker = "BENCH-RESULT ";

    // A bound on every child: a run that hangs is killed, and the harness stops with an error.
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(30);

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public static async Task<ProbeResult> RunAsync(ProbeSpec spec, bool inProcess, CancellationToken cancellationToken)
    {
        if (inProcess)
        {
            // Settle the heap so one probe's garbage is not collected on the next one's clock.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return await Probes.RunAsync(spec, ownProcess: false, cancellationToken);
        }

        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("No process path."))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        // Under `dotnet DataHub.Bench.dll` the process is the dotnet host: pass the assembly too.
        if (Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        start.ArgumentList.Add(Verb);
        start.ArgumentList.Add(JsonSerializer.Serialize(spec, Json));

        using var child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the probe process.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ChildTimeout);
        var output = child.StandardOutput.ReadToEndAsync(limit.Token);
        try
        {
            await child.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"The {spec.Kind} probe did not finish within {ChildTimeout.TotalMinutes} minutes and was stopped.");
        }
        var text = await output;
        var line = text.Split('\n').LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The {spec.Kind} probe failed (exit code {child.ExitCode}):\n{text}");
        return JsonSerializer.Deserialize<ProbeResult>(line[Marker.Length..], Json)!;
    }

    public static async Task<int> RunChildAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Length != 1) throw new BenchUsageException($"{Verb} takes one JSON argument.");
        var spec = JsonSerializer.Deserialize<ProbeSpec>(args[0], Json) ?? throw new BenchUsageException("Empty probe specification.");
        var result = await Probes.RunAsync(spec, ownProcess: true, cancellationToken);
        await stdout.WriteLineAsync(Marker + JsonSerializer.Serialize(result, Json));
        return 0;
    }
}
