using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DataHub.Bench.Textbook;
using DataHub.Core.Access;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using DuckDB.NET.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Bench;

/// <summary>
/// feed-http: DataHub's feed against the textbook stack (<see cref="TextbookServer"/>), both on Kestrel
/// on loopback in this process, same rows, same queries, alternating run by run; plus DuckDB alone on
/// the same file for a community page and a street's extraction, a per-stage breakdown of a community
/// page (Server-Timing), and 32 concurrent clients for a bounded time, then 200 on DataHub alone.
/// </summary>
internal static class FeedHttpBenchmark
{
    private const int Warmup = 3;
    private const string Community = "320113002001";
    private const string Street = "320113002";
    private const string District = "320113";
    private const int LoadClients = 32;
    private const int OverloadClients = 200;

    private sealed record Side(string Name, Uri Root, Func<HttpRequestMessage, string, HttpRequestMessage> Authorise);

    private sealed record Pair(string Label, string DataHubPath, string DataHubUser, string TextbookPath, string TextbookScope, bool Gzip = false);

    internal sealed record Row(string Label, double DataHub, double Textbook, long Rows, string Note)
    {
        public double Ratio => DataHub / Textbook;
    }

    public static async Task<string> RunAsync(BenchArgs args, Workspace workspace, ExportPair export, TextWriter log, CancellationToken ct)
    {
        var engine = await export.Utf8.OpenEngineAsync(ct);
        // The pipeline publishes a quality dataset beside the population: take the population.
        var current = (await engine.Catalog.Datasets.CurrentVersionsAsync(ct)).FirstOrDefault(v => v.Dataset == "population");
        if (current is null)
        {
            await log.WriteLineAsync($"[{export.Rows:N0} rows] publishing once with the pipeline (not timed) ...");
            var report = await engine.Runner.RunAsync(export.Utf8.SourceFile, ct);
            if (!report.Succeeded) throw new InvalidOperationException("The pipeline run failed:\n" + report.ToText());
            current = (await engine.Catalog.Datasets.CurrentVersionsAsync(ct)).Single(v => v.Dataset == report.Dataset);
        }
        var parquet = Path.Combine(current.Directory, current.Files.Single());

        // Principals: the demo's, plus one community worker per community for the parallel extraction.
        var demo = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, ct);
        // The open list: without it no dataset exists for the community and street workers (404).
        await DemoOpenList.EnsureAsync(engine.Catalog, ct);
        var passwords = demo.ToDictionary(c => c.Name, c => c.Password);
        var communities = TopCommunities(parquet, 20);
        foreach (var (code, _) in communities)
        {
            var name = "bench-" + code;
            passwords[name] = "bench-password-" + code;
            await engine.Catalog.Principals.UpsertAsync(new Principal(name, "基准测试网格员", Role.CommunityWorker, code), passwords[name], null, ct);
        }

        await log.WriteLineAsync($"[{export.Rows:N0} rows] loading the textbook stack's SQLite database ...");
        var loadWatch = Stopwatch.StartNew();
        var textbookCs = await TextbookServer.LoadAsync(parquet, workspace.Folder($"rows-{export.Rows}", "textbook"), ct);
        var loadSeconds = loadWatch.Elapsed.TotalSeconds;

        await using var dataHub = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0", ServerTiming = true });
        await dataHub.StartAsync(ct);
        await dataHub.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(ct);
        await using var textbook = TextbookServer.Create(textbookCs);
        await textbook.StartAsync(ct);

        var dh = new Side("DataHub", new Uri(BoundAddress(dataHub) + "/odata/"), (r, user) =>
        {
            r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{passwords[user]}")));
            return r;
        });
        var tb = new Side("textbook", new Uri(BoundAddress(textbook) + "/odata/"), (r, scope) =>
        {
            r.Headers.Add("X-Scope", scope);
            return r;
        });

        using var plain = Client(gzip: false);
        using var gzip = Client(gzip: true);

        var pairs = new List<Pair>
        {
            new("community page, 1,000 rows, Power Query's headers", "Population?$top=1000", "maqun-community", "Residents?$top=1000", Community),
            new("the same with gzip", "Population?$top=1000", "maqun-community", "Residents?$top=1000", Community, Gzip: true),
            new("`$count` of one community", "Population/$count", "maqun-community", "Residents/$count", Community),
            new("`$count` of the district", "Population/$count", "steward", "Residents/$count", District),
            new("elderly filter + `$select`, 1,000 rows", "Population?$filter=出生日期 le 1960-01-01&$select=姓名,出生日期,现住址&$top=1000", "steward",
                "Residents?$filter=BirthDate le 1960-01-01&$select=Name,BirthDate,CurrentAddress&$top=1000", District),
            new("`contains(address,'仙林')` with `$count` (first page)", "Population?$filter=contains(现住址,'仙林')&$count=true", "steward",
                "Residents?$filter=contains(CurrentAddress,'仙林')&$count=true", District),
            new("`$orderby` birth date, street, first page", $"Population?$filter=街道代码 eq '{Street}'&$orderby=出生日期", "steward",
                $"Residents?$filter=StreetCode eq '{Street}'&$orderby=BirthDate", District),
            new("`$orderby` birth date, whole district, first page", "Population?$orderby=出生日期", "steward", "Residents?$orderby=BirthDate", District),
        };

        // After a version's first default-order page the sort worker checks its lake order and splits
        // it per community (ScopeSlices); a node has done that minutes after a publish, so it is done
        // here before timing, and its time is reported.
        var prepareWatch = Stopwatch.StartNew();
        await SendAsync(plain, dh, "Population?$top=1", "maqun-community", ct);
        await dataHub.Services.GetRequiredService<DataHub.Serving.Engine.DuckDbEngine>().WhenBackgroundWorkIdle();
        var prepareSeconds = prepareWatch.Elapsed.TotalSeconds;
        await log.WriteLineAsync($"[{export.Rows:N0} rows] lake order checked and split per community in {prepareSeconds:0.0} s");

        using var duckAlone = new DuckDbCommunityPage(parquet);
        var rows = new List<Row>();
        var stages = new List<string>();
        var countStages = new List<string>();
        double communityPage = 0;
        double communityCount = 0;
        foreach (var pair in pairs)
        {
            var client = pair.Gzip ? gzip : plain;
            var dhTimes = new List<double>();
            var tbTimes = new List<double>();
            long rowCount = 0;
            string note = "";
            double? firstDh = null;
            for (var run = -Warmup; run < args.QueryRuns; run++)
            {
                var order = run % 2 == 0 ? new[] { true, false } : [false, true];
                foreach (var isDataHub in order)
                {
                    var side = isDataHub ? dh : tb;
                    var (ms, status, body, timing) = await SendAsync(client, side, isDataHub ? pair.DataHubPath : pair.TextbookPath, isDataHub ? pair.DataHubUser : pair.TextbookScope, ct);
                    if (status != 200) note = $"{side.Name} answered {status}: {Truncate(body)}";
                    if (isDataHub) firstDh ??= ms;
                    if (run < 0) continue;
                    (isDataHub ? dhTimes : tbTimes).Add(ms);
                    if (isDataHub)
                    {
                        rowCount = CountRows(body);
                        if (timing is not null && pair == pairs[0]) stages.Add(timing);
                        if (pair == pairs[0]) duckAlone.Run();
                        if (timing is not null && pair == pairs[2]) countStages.Add(timing);
                    }
                }
            }
            // The first request of a query can pay for work later ones reuse (an $orderby's sorted copy is
            // built in the background after it): shown when it took more than twice the median.
            if (note.Length == 0 && firstDh > 2 * Stats.Median(dhTimes)) note = $"DataHub's first request (warm-up): {firstDh:0} ms";
            var row = new Row(pair.Label, Stats.Median(dhTimes), Stats.Median(tbTimes), rowCount, note);
            if (pair == pairs[0]) communityPage = row.DataHub;
            if (pair == pairs[2]) communityCount = row.DataHub;
            rows.Add(row);
            await log.WriteLineAsync($"[{export.Rows:N0} rows] {pair.Label}: DataHub {row.DataHub:0.0} ms, textbook {row.Textbook:0.0} ms, {row.Ratio:0.00}x {note}");
        }

        // Extractions following nextLinks.
        var streetStages = new List<string>();
        var streetDh = await ExtractAsync(plain, dh, "Population", "maqun-street", runs: 3, ct, streetStages);
        var streetTb = await ExtractAsync(plain, tb, "Residents", Street, runs: 3, ct);
        await log.WriteLineAsync($"[{export.Rows:N0} rows] street extraction: DataHub {streetDh.RowsPerSecond:N0} rows/s, textbook {streetTb.RowsPerSecond:N0} rows/s");
        var parallelDh = await ParallelExtractAsync(plain, dh, "Population", communities.Select(c => "bench-" + c.Code).ToList(), ct);
        var parallelTb = await ParallelExtractAsync(plain, tb, "Residents", communities.Select(c => c.Code).ToList(), ct);
        await log.WriteLineAsync($"[{export.Rows:N0} rows] 20 communities in parallel: DataHub {parallelDh.RowsPerSecond:N0} rows/s, textbook {parallelTb.RowsPerSecond:N0} rows/s");

        // DuckDB alone on the same file.
        var duckPage = Stats.Median(duckAlone.Times);
        var duckCsv = DuckDbStreetCsv(parquet, workspace.Folder($"rows-{export.Rows}", "csv"));

        // 32 concurrent clients for a bounded time, on each server in turn; health sampled during DataHub's.
        var loadDh = await LoadAsync(dh, "Population?$top=1000", communities.Select(c => "bench-" + c.Code).ToList(), args.LoadSeconds, new Uri(dh.Root, "/health/live"), ct);
        var loadTb = await LoadAsync(tb, "Residents?$top=1000", communities.Select(c => c.Code).ToList(), args.LoadSeconds, null, ct);
        await log.WriteLineAsync($"[{export.Rows:N0} rows] 32 clients: DataHub {loadDh.Throughput:0} req/s p95 {loadDh.P95:0} ms errors {loadDh.Errors}; textbook {loadTb.Throughput:0} req/s p95 {loadTb.P95:0} ms errors {loadTb.Errors}");
        // Overload: more clients than the admission gate admits; only clean 503s may come back.
        var overload = await LoadAsync(dh, "Population?$top=1000", communities.Select(c => "bench-" + c.Code).ToList(), Math.Min(args.LoadSeconds, 30), new Uri(dh.Root, "/health/live"), ct, OverloadClients);
        await log.WriteLineAsync($"[{export.Rows:N0} rows] {OverloadClients} clients: DataHub {overload.Throughput:0} req/s errors {overload.Errors} 503 {overload.Busy} peak {overload.PeakWorkingSet / 1_048_576} MB");

        await dataHub.StopAsync(ct);
        await textbook.StopAsync(ct);

        return Markdown(export.Rows, current.RowCount, loadSeconds, prepareSeconds, args, rows, stages, countStages, streetStages, communityPage, communityCount, duckPage, streetDh, streetTb, duckCsv, parallelDh, parallelTb, loadDh, loadTb, overload);
    }

    private static string BoundAddress(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    private static HttpClient Client(bool gzip) => new(new SocketsHttpHandler
    {
        AutomaticDecompression = gzip ? DecompressionMethods.GZip : DecompressionMethods.None,
        MaxConnectionsPerServer = 256,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    { Timeout = TimeSpan.FromMinutes(5) };

    private static async Task<(double Ms, int Status, byte[] Body, string? ServerTiming)> SendAsync(HttpClient client, Side side, string relative, string who, CancellationToken ct)
    {
        using var request = side.Authorise(new HttpRequestMessage(HttpMethod.Get, new Uri(side.Root.AbsoluteUri + relative)), who);
        PowerQueryHeaders(request);
        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        var ms = watch.Elapsed.TotalMilliseconds;
        var timing = response.Headers.TryGetValues("Server-Timing", out var values) ? values.FirstOrDefault() : null;
        return (ms, (int)response.StatusCode, body, timing);
    }

    /// <summary>What Power Query sends with every request (the strict client in the tests sends the same).</summary>
    private static void PowerQueryHeaders(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Accept", "application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7");
        request.Headers.TryAddWithoutValidation("OData-MaxVersion", "4.0");
        request.Headers.TryAddWithoutValidation("User-Agent", "Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)");
    }

    private static long CountRows(byte[] body)
    {
        if (body.Length == 0 || body[0] != (byte)'{') return 0;
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : 0;
    }

    /// <summary>A page's rows and nextLink, from one parse of its body (what any client must do once).</summary>
    private static (long Rows, string? NextLink) ReadPage(byte[] body)
    {
        if (body.Length == 0 || body[0] != (byte)'{') return (0, null);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var rows = root.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : 0;
        return (rows, root.TryGetProperty("@odata.nextLink", out var n) ? n.GetString() : null);
    }

    private static string Truncate(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length > 160 ? text[..160] : text;
    }

    internal sealed record Extraction(long Rows, double Seconds, int Errors)
    {
        public double RowsPerSecond => Rows / Seconds;
    }

    private static async Task<(long Rows, int Errors)> FollowAsync(HttpClient client, Side side, string relative, string who, CancellationToken ct, List<string>? timings = null)
    {
        long rows = 0;
        var next = relative;
        var errors = 0;
        for (var page = 0; page < 100_000 && next is not null; page++)
        {
            var (_, status, body, timing) = await SendAsync(client, side, next, who, ct);
            if (status != 200)
            {
                errors++;
                break;
            }
            if (timing is not null) timings?.Add(timing);
            var (pageRows, link) = ReadPage(body);
            rows += pageRows;
            next = link is null ? null : link[side.Root.AbsoluteUri.Length..];
        }
        return (rows, errors);
    }

    private static async Task<Extraction> ExtractAsync(HttpClient client, Side side, string set, string who, int runs, CancellationToken ct, List<string>? timings = null)
    {
        var times = new List<double>();
        long rows = 0;
        var errors = 0;
        for (var run = 0; run < runs + 1; run++)
        {
            var watch = Stopwatch.StartNew();
            var (r, e) = await FollowAsync(client, side, set, who, ct, run > 0 ? timings : null);
            if (run > 0) times.Add(watch.Elapsed.TotalSeconds);
            rows = r;
            errors += e;
        }
        return new Extraction(rows, Stats.Median(times), errors);
    }

    private static async Task<Extraction> ParallelExtractAsync(HttpClient client, Side side, string set, IReadOnlyList<string> who, CancellationToken ct)
    {
        await FollowAsync(client, side, set, who[0], ct);
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(who.Select(w => FollowAsync(client, side, set, w, ct)));
        return new Extraction(results.Sum(r => r.Rows), watch.Elapsed.TotalSeconds, results.Sum(r => r.Errors));
    }

    internal sealed record Load(long Requests, long Rows, int Errors, int Busy, double Seconds, double P50, double P95, double HealthP95, double HealthMax, long PeakWorkingSet)
    {
        public double Throughput => Requests / Seconds;
    }

    /// <summary>
    /// <paramref name="clients"/> clients in a process of their own (<see cref="LoadProcess"/>), and
    /// the health probe in another, while this process (the servers) samples its working set.
    /// </summary>
    private static async Task<Load> LoadAsync(Side side, string relative, IReadOnlyList<string> who, int seconds, Uri? health, CancellationToken ct, int clients = LoadClients)
    {
        var requests = who.Select(w =>
        {
            using var message = side.Authorise(new HttpRequestMessage(HttpMethod.Get, new Uri(side.Root.AbsoluteUri + relative)), w);
            PowerQueryHeaders(message);
            return new LoadProcess.Request(message.RequestUri!.AbsoluteUri, message.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value)));
        }).ToList();
        long peak = 0;
        using var process = Process.GetCurrentProcess();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                try
                {
                    await Task.Delay(100, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);
        var load = LoadProcess.RunAsync(new LoadProcess.Spec(requests, clients, seconds, null), ct);
        var probe = health is null ? null : LoadProcess.RunAsync(new LoadProcess.Spec([], 0, seconds, health.AbsoluteUri), ct);
        var result = await load;
        var healthTimes = probe is null ? [] : (await probe).HealthTimes.Order().ToArray();
        await sampling.CancelAsync();
        await sampler;
        return new Load(result.Requests, result.Rows, result.Errors, result.Busy, result.Seconds, result.P50, result.P95,
            healthTimes.Length == 0 ? 0 : healthTimes[(int)(healthTimes.Length * 0.95)], healthTimes.Length == 0 ? 0 : healthTimes[^1], peak);
    }

    private static List<(string Code, long Rows)> TopCommunities(string parquet, int count)
    {
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT community_code, count(*) FROM read_parquet({Sql.Literal(parquet)}) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {count}";
        using var reader = cmd.ExecuteReader();
        var result = new List<(string, long)>();
        while (reader.Read()) result.Add((reader.GetString(0), reader.GetInt64(1)));
        return result;
    }

    /// <summary>
    /// DuckDB in process on one long-lived connection: the community's first 1,000 rows in page order,
    /// every value read. Timed once after each timed DataHub community page, so both see the same
    /// moment's load (the machine is shared).
    /// </summary>
    private sealed class DuckDbCommunityPage : IDisposable
    {
        private readonly DuckDBConnection conn;
        private readonly DuckDBCommand cmd;

        public DuckDbCommunityPage(string parquet)
        {
            conn = new DuckDBConnection("DataSource=:memory:");
            conn.Open();
            using (var set = conn.CreateCommand())
            {
                set.CommandText = "SET autoinstall_known_extensions=false; SET autoload_known_extensions=false; SET memory_limit='1GB'; SET threads=2; SET TimeZone='UTC'; SET parquet_metadata_cache=true;";
                set.ExecuteNonQuery();
            }
            cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT * FROM read_parquet({Sql.Literal(parquet)}) WHERE community_code >= $p0 AND community_code < $p1 ORDER BY community_code, record_id LIMIT 1001";
            cmd.Parameters.Add(new DuckDBParameter("p0", Community));
            cmd.Parameters.Add(new DuckDBParameter("p1", Community + "~"));
            for (var i = 0; i < Warmup; i++) Run();
        }

        public List<double> Times { get; } = [];

        public void Run()
        {
            var watch = Stopwatch.StartNew();
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        if (!reader.IsDBNull(i)) _ = reader.GetValue(i);
                    }
                }
            }
            Times.Add(watch.Elapsed.TotalMilliseconds);
        }

        public void Dispose()
        {
            cmd.Dispose();
            conn.Dispose();
        }
    }

    /// <summary>DuckDB writing the street's rows, in page order, to CSV: rows/s, median of 3.</summary>
    private static Extraction DuckDbStreetCsv(string parquet, string folder)
    {
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        var times = new List<double>();
        long rows = 0;
        for (var run = 0; run < 4; run++)
        {
            var target = Path.Combine(folder, $"street-{run}.csv");
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SET threads=2; COPY (SELECT * FROM read_parquet({Sql.Literal(parquet)}) WHERE community_code >= '{Street}' AND community_code < '{Street}~' ORDER BY community_code, record_id) TO {Sql.Literal(target)} (HEADER)";
            var watch = Stopwatch.StartNew();
            rows = cmd.ExecuteNonQuery();
            if (run > 0) times.Add(watch.Elapsed.TotalSeconds);
            File.Delete(target);
        }
        return new Extraction(rows, Stats.Median(times), 0);
    }

    private static string Markdown(int exportRows, long publishedRows, double loadSeconds, double prepareSeconds, BenchArgs args, List<Row> rows, List<string> stages, List<string> countStages, List<string> streetStages,
        double communityPage, double communityCount, double duckPage, Extraction streetDh, Extraction streetTb, Extraction duckCsv,
        Extraction parallelDh, Extraction parallelTb, Load loadDh, Load loadTb, Load overload)
    {
        var md = new StringBuilder();
        void Line(FormattableString? text = null) => md.Append(text is null ? "" : text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line($"### feed-http — {exportRows:N0} rows exported, {publishedRows:N0} published");
        Line();
        Line($"DataHub (`DataHubWebApp`, Basic authentication, audit, masks of each role) and the textbook stack (ASP.NET Core OData 9.5.0 `[EnableQuery]` over EF Core 10 and SQLite, primary key on the record id, indexes on (community code, record id) and (street code, record id), key-based skiptokens, gzip; no authentication, no audit, no masks; the scope as a range on the indexed community code from a header), both on Kestrel on 127.0.0.1 in this process, over the same published rows (the SQLite copy took {loadSeconds:0} s to load). Each query: {Warmup} warm-up runs, then {args.QueryRuns} timed runs per server, alternating which goes first; client time until the whole body is read; medians. The target is DataHub ÷ textbook ≤ 0.5. Before timing, DataHub's first default-order page made the sort worker check the version's lake order and split it per community (scope slices, docs/ARCHITECTURE.md), which took {prepareSeconds:0.0} s (wall).");
        Line();
        Line($"| query (medians, HTTP on loopback) | rows | DataHub ms | textbook ms | DataHub ÷ textbook | note |");
        Line($"|---|---:|---:|---:|---:|---|");
        foreach (var r in rows) Line($"| {r.Label} | {r.Rows:N0} | {r.DataHub:0.0} | {r.Textbook:0.0} | **{Stats.Ratio(r.Ratio)}** | {r.Note} |");
        Line($"| whole-street extraction following nextLinks ({streetDh.Rows:N0} rows; rows/s) | {streetDh.Rows:N0} | {streetDh.RowsPerSecond:N0} rows/s | {streetTb.RowsPerSecond:N0} rows/s | **{Stats.Ratio(streetTb.RowsPerSecond / streetDh.RowsPerSecond)}** (time) | errors {streetDh.Errors}/{streetTb.Errors} |");
        Line($"| 20 clients each extracting a community (rows/s) | {parallelDh.Rows:N0} | {parallelDh.RowsPerSecond:N0} rows/s | {parallelTb.RowsPerSecond:N0} rows/s | **{Stats.Ratio(parallelTb.RowsPerSecond / parallelDh.RowsPerSecond)}** (time) | errors {parallelDh.Errors}/{parallelTb.Errors} |");
        Line();
        Line($"**Against DuckDB alone** (in process, one long-lived connection, same file):");
        Line();
        Line($"| measure | DataHub | DuckDB alone | ratio | target |");
        Line($"|---|---:|---:|---:|---|");
        Line($"| community page p50 (1,000 rows; DuckDB: the same rows in page order, every value read, timed right after each DataHub page) | {communityPage:0.0} ms | {duckPage:0.0} ms | **{Stats.Ratio(communityPage / duckPage)}** | ≤ 1.5× |");
        Line($"| whole-street extraction (DuckDB: COPY of the same rows to CSV) | {streetDh.RowsPerSecond:N0} rows/s | {duckCsv.RowsPerSecond:N0} rows/s | **{Stats.Ratio(streetDh.RowsPerSecond / duckCsv.RowsPerSecond)}** of DuckDB's rate | ≥ 0.5× |");
        Line();
        if (stages.Count > 0)
        {
            Line($"**Where a community page's, a community `$count`'s and a street extraction page's time goes** (DataHub, medians of the timed runs, every stage from the `Server-Timing` header the host sends: authentication and the audit reservation measured by the host, the others by the serving layer; street pages: every page of the timed extractions, {streetStages.Count} pages of up to 5,000 rows):");
            Line();
            Line($"| stage | page, median ms | `$count`, median ms | street page, median ms |");
            Line($"|---|---:|---:|---:|");
            foreach (var (name, label) in new[] { ("auth", "authentication (Basic; verified credentials cached per principals-change counter)"), ("model", "catalog lookup (memory), skiptoken, scope, cached model"), ("plan", "parse options, complexity budget, SQL"), ("queue", "wait for a query worker"), ("sql", "DuckDB execution (count, window, page)"), ("write", "rows read and written as JSON"), ("audit", "audit reservation (journal append, before the first byte)") })
            {
                var page = Stats.Median(stages.Select(s => ParseTiming(s, name)).ToList());
                var count = countStages.Count == 0 ? double.NaN : Stats.Median(countStages.Select(s => ParseTiming(s, name)).ToList());
                var street = streetStages.Count == 0 ? double.NaN : Stats.Median(streetStages.Select(s => ParseTiming(s, name)).ToList());
                Line($"| {label} | {page:0.000} | {count:0.000} | {street:0.000} |");
            }
            var streetPage = streetStages.Count == 0 ? double.NaN : streetDh.Seconds * 1000 * 3 / streetStages.Count;
            Line($"| client total (HTTP, Kestrel, all of the above; street: extraction time ÷ pages, the client's JSON parse included) | {communityPage:0.000} | {communityCount:0.000} | {streetPage:0.000} |");
            Line();
        }
        Line($"**{LoadClients} concurrent clients for {args.LoadSeconds} s** (community pages of 1,000 rows over 20 communities; the clients run in a process of their own and the health probe in another; peak working set of the process that hosts both servers), then {OverloadClients} clients on DataHub alone:");
        Line();
        Line($"| server | requests | req/s | rows/s | p50 ms | p95 ms | errors | 503 | health p95 / max ms | peak working set |");
        Line($"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, l) in new[] { ("DataHub", loadDh), ("textbook", loadTb) })
        {
            Line($"| {name} | {l.Requests:N0} | {l.Throughput:0} | {l.Rows / l.Seconds:N0} | {l.P50:0.0} | {l.P95:0.0} | {l.Errors} | {l.Busy} | {(name == "DataHub" ? $"{l.HealthP95:0.0} / {l.HealthMax:0.0}" : "–")} | {Stats.Mb(l.PeakWorkingSet)} |");
        }
        Line($"| DataHub, {OverloadClients} clients for {overload.Seconds:0} s (target: no errors but clean 503s, working set under 1 GB) | {overload.Requests:N0} | {overload.Throughput:0} | {overload.Rows / overload.Seconds:N0} | {overload.P50:0.0} | {overload.P95:0.0} | {overload.Errors} | {overload.Busy} | {overload.HealthP95:0.0} / {overload.HealthMax:0.0} | {Stats.Mb(overload.PeakWorkingSet)} |");
        Line();
        return md.ToString();
    }

    private static double ParseTiming(string header, string name)
    {
        foreach (var part in header.Split(','))
        {
            var p = part.Trim();
            if (!p.StartsWith(name + ";", StringComparison.Ordinal)) continue;
            var dur = p[(p.IndexOf("dur=", StringComparison.Ordinal) + 4)..];
            return double.Parse(dur, CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
