using System.Diagnostics;
using System.Globalization;
using System.Text;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using DataHub.Pipelines.Ingestion;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Bench;

/// <summary>
/// health-during-ingest: the issue's load check "the feed keeps answering /health/ready within 100 ms
/// while an ingest of 1M rows runs on the same node". One process holds the web host (Kestrel on
/// loopback, as <c>datahub serve</c> builds it) and runs the ingest in it, as a scheduled job does.
/// One client polls <c>/health/ready</c> back to back (20 ms apart) first while the node is idle
/// (the baseline, same process, same server), then during the whole ingest; the report gives both
/// latency distributions and their ratio.
/// </summary>
internal static class HealthDuringIngestBenchmark
{
    private const double Threshold = 0.100;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    internal sealed record Poll(int Requests, int NotOk, double P50, double P95, double P99, double Max, int OverThreshold);

    internal sealed record Result(int Rows, long RowsRead, string Status, double IngestSeconds, Poll Idle, Poll During, double IdleSeconds);

    public static async Task<Result> RunAsync(BenchArgs args, Workspace workspace, int rows, TextWriter log, CancellationToken ct)
    {
        var data = new DataDirectory(workspace.Folder($"rows-{rows}", "health"));
        var engine = await DataHubEngine.OpenAsync(data, TimeProvider.System, NullLoggerFactory.Instance, ct);

        // A first, small version so the node is ready (200) before the measured ingest.
        await log.WriteLineAsync($"[{rows:N0} rows] health-during-ingest: publishing a first small version (not timed) ...");
        var (source, _) = await DemoSetup.PrepareAsync(engine, 2_000, args.Seed + 1, ct);
        var first = await engine.Runner.RunAsync(source, ct);
        if (!first.Succeeded) throw new InvalidOperationException("The first pipeline run failed:\n" + first.ToText());
        await log.WriteLineAsync($"[{rows:N0} rows] health-during-ingest: generating the export to ingest ...");
        await DemoSetup.PrepareAsync(engine, rows, args.Seed, ct);

        await using var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0" });
        await app.StartAsync(ct);
        var ready = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/health/ready");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < 20; i++) (await http.GetAsync(ready, ct)).Dispose(); // warm-up: JIT, connection

        const double idleSeconds = 10;
        await log.WriteLineAsync($"[{rows:N0} rows] health-during-ingest: polling {ready} while idle ({idleSeconds:0} s) ...");
        using (var idle = new CancellationTokenSource(TimeSpan.FromSeconds(idleSeconds)))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token))
        {
            var idleTimes = await PollAsync(http, ready, linked.Token, ct);
            await log.WriteLineAsync($"[{rows:N0} rows] health-during-ingest: ingesting {rows:N0} rows while polling ...");
            var ingest = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var polling = PollAsync(http, ready, stop.Token, ct);
            RunReport report;
            try
            {
                report = await engine.Runner.RunAsync(source, new RunRequest { Force = true }, ct);
            }
            finally
            {
                ingest.Stop();
                await stop.CancelAsync();
            }
            var during = await polling;
            await app.StopAsync(CancellationToken.None); // stopped as serve stops, before it is disposed
            if (!report.Succeeded) throw new InvalidOperationException("The measured pipeline run failed:\n" + report.ToText());
            return new Result(rows, report.RowsRead, report.Status, ingest.Elapsed.TotalSeconds, Summarise(idleTimes), Summarise(during), idleSeconds);
        }
    }

    /// <summary>Requests one after another until <paramref name="until"/> fires; each answer's latency in seconds (negative: not 200).</summary>
    private static async Task<List<double>> PollAsync(HttpClient http, Uri ready, CancellationToken until, CancellationToken ct)
    {
        var times = new List<double>();
        while (!until.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            using (var response = await http.GetAsync(ready, ct))
            {
                await response.Content.ReadAsByteArrayAsync(ct);
                times.Add(response.IsSuccessStatusCode ? watch.Elapsed.TotalSeconds : -watch.Elapsed.TotalSeconds);
            }
            try
            {
                await Task.Delay(Pause, until);
            }
            catch (OperationCanceledException) when (until.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                break;
            }
        }
        return times;
    }

    private static Poll Summarise(List<double> times)
    {
        var sorted = times.Select(Math.Abs).Order().ToArray();
        if (sorted.Length == 0) return new Poll(0, 0, 0, 0, 0, 0, 0);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];
        return new Poll(sorted.Length, times.Count(t => t < 0), At(0.50), At(0.95), At(0.99), sorted[^1], sorted.Count(t => t > Threshold));
    }

    public static string Render(IReadOnlyList<Result> results)
    {
        if (results.Count == 0) return "";
        var md = new StringBuilder();
        void Line(FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var r in results)
        {
            Line($"### health-during-ingest — {r.Rows:N0} rows");
            Line($"");
            Line($"One process: the web host as `datahub serve` builds it (Kestrel on loopback) and, in it, an ingest of the demo's 公安 export ({r.Rows:N0} rows, GB18030, read {r.RowsRead:N0}, run {r.Status}) published over a first small version, as a scheduled job runs on a node. One client polls `/health/ready` back to back, 20 ms apart: first {r.IdleSeconds:0} s with the node idle (the baseline), then for the whole ingest ({Stats.S(r.IngestSeconds)} s, {Stats.N(r.RowsRead / r.IngestSeconds)} rows/s).");
            Line($"");
            Line($"| node | requests | not 200 | p50 ms | p95 ms | p99 ms | max ms | over 100 ms |");
            Line($"|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (label, p) in new[] { ("idle (baseline)", r.Idle), ("during the ingest", r.During) })
                Line($"| {label} | {p.Requests:N0} | {p.NotOk} | {Stats.Ms(p.P50)} | {Stats.Ms(p.P95)} | {Stats.Ms(p.P99)} | {Stats.Ms(p.Max)} | {p.OverThreshold} |");
            Line($"");
            var verdict = r.During.Max <= Threshold ? "every answer within 100 ms" : $"{r.During.OverThreshold} of {r.During.Requests:N0} answers over 100 ms (max {Stats.Ms(r.During.Max)} ms)";
            Line($"**During ÷ idle: p50 {Stats.Ratio(r.During.P50 / r.Idle.P50)}, p95 {Stats.Ratio(r.During.P95 / r.Idle.P95)}** — {verdict}.");
            Line($"");
        }
        return md.ToString();
    }
}
