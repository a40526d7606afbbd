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

        var payload = await ChildProcess.RunAsync(Verb, [JsonSerializer.Serialize(spec, Json)], null, Marker, ChildTimeout, $"{spec.Kind} probe", cancellationToken);
        return JsonSerializer.Deserialize<ProbeResult>(payload, Json)!;
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
