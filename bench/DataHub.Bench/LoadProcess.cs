using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace DataHub.Bench;

/// <summary>
/// Concurrent clients in a process of their own (hidden sub-command <see cref="Verb"/>). In the
/// harness process they would share its thread pool and CPU scheduling with the servers they
/// measure: 200 client tasks parsing 1,000-row answers delayed the server's own continuations, and a
/// health probe among them measured the clients' queue, not the server. A separate process is what a
/// real client (Excel on a worker's PC, a load balancer's probe) is.
/// </summary>
internal static class LoadProcess
{
    public const string Verb = "__load";

    private const string Marker = "LOAD-RESULT ";

    /// <summary>One client's request: the URL and the headers it sends (its credentials included).</summary>
    internal sealed record Request(string Url, Dictionary<string, string> Headers);

    /// <param name="Requests">Client i sends Requests[i % count] over and over; empty for a health probe only.</param>
    /// <param name="Health">Probed every 100 ms on its own connection (null: none).</param>
    internal sealed record Spec(IReadOnlyList<Request> Requests, int Clients, double Seconds, string? Health);

    internal sealed record Result(long Requests, long Rows, int Errors, int Busy, double Seconds, double P50, double P95, double[] HealthTimes);

    /// <summary>Runs <paramref name="spec"/> in a child process and returns what it measured.</summary>
    public static async Task<Result> RunAsync(Spec spec, CancellationToken cancellationToken)
    {
        // The spec goes on stdin: 200 clients' headers can exceed a command line's length on Windows.
        var payload = await ChildProcess.RunAsync(Verb, [], JsonSerializer.Serialize(spec), Marker, TimeSpan.FromSeconds(spec.Seconds + 300), "load", cancellationToken);
        return JsonSerializer.Deserialize<Result>(payload)!;
    }

    /// <summary>The child's side: reads the spec from stdin, runs the clients, prints the result.</summary>
    public static async Task<int> RunChildAsync(TextReader stdin, TextWriter stdout, CancellationToken cancellationToken)
    {
        var spec = JsonSerializer.Deserialize<Spec>(await stdin.ReadToEndAsync(cancellationToken))
            ?? throw new BenchUsageException($"{Verb} reads one JSON specification on stdin.");
        var result = await ClientsAsync(spec, cancellationToken);
        await stdout.WriteLineAsync(Marker + JsonSerializer.Serialize(result));
        return 0;
    }

    private static async Task<Result> ClientsAsync(Spec spec, CancellationToken ct)
    {
        // Enough worker threads up front that the clients' own scheduling is not what is measured.
        ThreadPool.SetMinThreads(Math.Max(spec.Clients + 4, 16), 16);
        using var client = NewClient(spec.Clients + 8);
        using var probe = NewClient(1);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        long rows = 0;
        var errors = 0;
        var busy = 0;
        var watch = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(spec.Seconds);

        async Task Worker(int i)
        {
            var request = spec.Requests[i % spec.Requests.Count];
            while (watch.Elapsed < until)
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, request.Url);
                foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
                var w = Stopwatch.StartNew();
                try
                {
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
                    var body = await response.Content.ReadAsByteArrayAsync(ct);
                    latencies.Add(w.Elapsed.TotalMilliseconds);
                    if (response.StatusCode == HttpStatusCode.OK) Interlocked.Add(ref rows, CountRows(body));
                    else if (response.StatusCode == HttpStatusCode.ServiceUnavailable) Interlocked.Increment(ref busy);
                    else Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    latencies.Add(w.Elapsed.TotalMilliseconds);
                    Interlocked.Increment(ref errors);
                }
            }
        }

        var healthTimes = new List<double>();
        async Task Probe()
        {
            while (watch.Elapsed < until)
            {
                var w = Stopwatch.StartNew();
                using var r = await probe.GetAsync(spec.Health, ct);
                await r.Content.ReadAsByteArrayAsync(ct);
                healthTimes.Add(w.Elapsed.TotalMilliseconds);
                await Task.Delay(100, ct);
            }
        }

        var tasks = Enumerable.Range(0, spec.Requests.Count == 0 ? 0 : spec.Clients).Select(Worker).ToList();
        if (spec.Health is not null) tasks.Add(Probe());
        await Task.WhenAll(tasks);
        var sorted = latencies.Order().ToArray();
        return new Result(sorted.Length, rows, errors, busy, watch.Elapsed.TotalSeconds,
            sorted.Length == 0 ? 0 : Stats.Median(sorted), sorted.Length == 0 ? 0 : sorted[(int)(sorted.Length * 0.95)], healthTimes.ToArray());
    }

    private static HttpClient NewClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    { Timeout = TimeSpan.FromMinutes(5) };

    private static long CountRows(byte[] body)
    {
        if (body.Length == 0 || body[0] != (byte)'{') return 0;
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : 0;
    }
}
