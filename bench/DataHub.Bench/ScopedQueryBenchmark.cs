using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DataHub.Core.Access;
using DataHub.Core.Schema;
using DataHub.Host.Demo;
using DataHub.Serving;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Bench;

internal sealed record ParquetLayout(string Label, string Path, long Bytes, long RowGroups);

internal sealed record ScopeInfo(string Label, string Code, long Rows, long RowGroupsSorted, long RowGroupsUnsorted);

internal sealed record QueryTiming(string Query, string Scope, long Rows, double SortedMedian, double UnsortedMedian)
{
    public double Ratio => UnsortedMedian / SortedMedian;
}

/// <param name="SortedHeaders">Median time until HandleAsync returned (status and headers final: every query but the body's rows done).</param>
internal sealed record PageTiming(string Request, long Rows, long Bytes, double SortedMedian, double UnsortedMedian, double SortedHeaders, double UnsortedHeaders)
{
    public double Ratio => UnsortedMedian / SortedMedian;
}

internal sealed record ScopedResult(
    int Rows, long Version, long PublishedRows, ParquetLayout Sorted, ParquetLayout Unsorted, int Runs,
    IReadOnlyList<ScopeInfo> Scopes, IReadOnlyList<QueryTiming> Queries, IReadOnlyList<PageTiming> Pages, bool PublishedHere);

/// <summary>
/// scoped-query: the version the pipeline published (sorted by community code, 4,096-row groups)
/// against the same rows rewritten in random order with the same row group size, queried with the
/// range predicate the serving layer puts in every WHERE (RowScope: code >= scope AND code &lt; scope + '~',
/// bound as parameters), raw through DuckDB and as one OData page through ODataFeedService.
/// </summary>
internal static class ScopedQueryBenchmark
{
    private const int Warmup = 3;

    // The demo's principals (DemoPrincipals): a community worker of 马群社区, a street worker of 马群街道, the district steward.
    private static readonly (string Label, string Code)[] ScopeCodes =
    [
        ("community 320113002001", "320113002001"),
        ("street 320113002", "320113002"),
    ];

    public static async Task<ScopedResult> RunAsync(BenchArgs args, Workspace workspace, ExportPair export, TextWriter log, CancellationToken cancellationToken)
    {
        var engine = await export.Utf8.OpenEngineAsync(cancellationToken);
        // The pipeline publishes a quality dataset beside the population: take the population.
        var current = (await engine.Catalog.Datasets.CurrentVersionsAsync(cancellationToken)).FirstOrDefault(v => v.Dataset == "population");
        var publishedHere = false;
        if (current is null)
        {
            await log.WriteLineAsync($"[{export.Rows:N0} rows] no published version yet: running the pipeline once (not timed) ...");
            var report = await engine.Runner.RunAsync(export.Utf8.SourceFile, cancellationToken);
            if (!report.Succeeded) throw new InvalidOperationException("The pipeline run failed:\n" + report.ToText());
            current = (await engine.Catalog.Datasets.CurrentVersionsAsync(cancellationToken)).Single(v => v.Dataset == report.Dataset);
            publishedHere = true;
        }
        var schema = SchemaLoader.Get(current.Dataset);
        var column = schema.ScopeField ?? throw new InvalidOperationException($"Dataset {schema.Name} has no scope column.");
        var sortedPath = Path.Combine(current.Directory, current.Files.Single());
        var unsortedPath = Path.Combine(workspace.Folder($"rows-{export.Rows}"), "unsorted.parquet");

        using var conn = OpenDuckDb();
        Exec(conn, "SELECT setseed(0.42)");
        Exec(conn, $"COPY (SELECT * FROM read_parquet({Sql.Literal(sortedPath)}) ORDER BY random()) TO {Sql.Literal(unsortedPath)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)");
        var sorted = new ParquetLayout("sorted by community (as published)", sortedPath, new FileInfo(sortedPath).Length, RowGroups(conn, sortedPath, null, null, null));
        var unsorted = new ParquetLayout("random order", unsortedPath, new FileInfo(unsortedPath).Length, RowGroups(conn, unsortedPath, null, null, null));

        var scopes = ScopeCodes.Select(s => new ScopeInfo(s.Label, s.Code,
            Scalar(conn, $"SELECT count(*) FROM read_parquet({Sql.Literal(sortedPath)}) WHERE {Sql.Identifier(column)} >= {Sql.Literal(s.Code)} AND {Sql.Identifier(column)} < {Sql.Literal(s.Code + "~")}"),
            RowGroups(conn, sortedPath, column, s.Code, s.Code + "~"),
            RowGroups(conn, unsortedPath, column, s.Code, s.Code + "~"))).ToList();

        var queries = new List<QueryTiming>();
        foreach (var scope in scopes)
        {
            foreach (var (name, sql, literal, read) in QueryShapes(column, schema.KeyField))
            {
                if (literal && scope != scopes[0]) continue; // the literal variant only checks parameter pushdown once
                var (rows, sortedMedian, unsortedMedian) = Compare(args.QueryRuns, sortedPath, unsortedPath,
                    file => RunQuery(conn, string.Format(CultureInfo.InvariantCulture, sql, Sql.Literal(file)), scope.Code, literal, read));
                var timing = new QueryTiming(name, scope.Label, rows, sortedMedian, unsortedMedian);
                queries.Add(timing);
                await log.WriteLineAsync($"[{export.Rows:N0} rows] {scope.Label} {name}: sorted {Stats.Ms(sortedMedian)} ms, unsorted {Stats.Ms(unsortedMedian)} ms, {Stats.Ratio(timing.Ratio)}");
            }
        }

        var pages = await ODataPagesAsync(args.QueryRuns, schema, current.Version, current.PublishedAt, sortedPath, unsortedPath, log, export.Rows, cancellationToken);
        return new ScopedResult(export.Rows, current.Version, current.RowCount, sorted, unsorted, args.QueryRuns, scopes, queries, pages, publishedHere);
    }

    /// <summary>(name, SQL with {0} for the file, literal bounds instead of parameters, read every value).</summary>
    private static IEnumerable<(string Name, string Sql, bool Literal, bool Read)> QueryShapes(string column, string key)
    {
        var c = Sql.Identifier(column);
        var k = Sql.Identifier(key);
        yield return ("SELECT count(*)", $"SELECT count(*) FROM read_parquet({{0}}) WHERE {c} >= $p0 AND {c} < $p1", false, false);
        yield return ("SELECT count(*), bounds as literals", $"SELECT count(*) FROM read_parquet({{0}}) WHERE {c} >= $p0 AND {c} < $p1", true, false);
        yield return ("SELECT * LIMIT 5000 (every value read)", $"SELECT * FROM read_parquet({{0}}) WHERE {c} >= $p0 AND {c} < $p1 LIMIT 5000", false, true);
        // The serving layer's default page order: scope column, then the key.
        yield return ($"SELECT * ORDER BY {column}, {key} LIMIT 5000", $"SELECT * FROM read_parquet({{0}}) WHERE {c} >= $p0 AND {c} < $p1 ORDER BY {c}, {k} LIMIT 5000", false, true);
    }

    private static long RunQuery(DuckDBConnection conn, string sql, string code, bool literal, bool read)
    {
        using var cmd = conn.CreateCommand();
        if (literal)
        {
            cmd.CommandText = sql.Replace("$p0", Sql.Literal(code), StringComparison.Ordinal).Replace("$p1", Sql.Literal(code + "~"), StringComparison.Ordinal);
        }
        else
        {
            cmd.CommandText = sql;
            cmd.Parameters.Add(new DuckDBParameter("p0", code));
            cmd.Parameters.Add(new DuckDBParameter("p1", code + "~"));
        }
        if (!read) return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        using var reader = cmd.ExecuteReader();
        long rows = 0;
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (!reader.IsDBNull(i)) _ = reader.GetValue(i);
            }
            rows++;
        }
        return rows;
    }

    /// <summary>Warm-up, then <paramref name="runs"/> timed runs on each layout, alternating which goes first.</summary>
    private static (long Rows, double Sorted, double Unsorted) Compare(int runs, string sortedPath, string unsortedPath, Func<string, long> query)
    {
        long rows = 0;
        double Time(string file)
        {
            var clock = Stopwatch.StartNew();
            var n = query(file);
            clock.Stop();
            if (file == sortedPath) rows = n;
            else if (n != rows) throw new InvalidOperationException($"The layouts disagree: {rows} rows sorted, {n} unsorted.");
            return clock.Elapsed.TotalSeconds;
        }

        for (var i = 0; i < Warmup; i++)
        {
            Time(sortedPath);
            Time(unsortedPath);
        }
        var sorted = new List<double>(runs);
        var unsorted = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            // Sorted first on even runs, unsorted first on odd ones: going first or second favours neither layout.
            if (i % 2 == 0)
            {
                sorted.Add(Time(sortedPath));
                unsorted.Add(Time(unsortedPath));
            }
            else
            {
                unsorted.Add(Time(unsortedPath));
                sorted.Add(Time(sortedPath));
            }
        }
        return (rows, Stats.Median(sorted), Stats.Median(unsorted));
    }

    private static async Task<IReadOnlyList<PageTiming>> ODataPagesAsync(int runs, DatasetSchema schema, long version, DateTimeOffset publishedAt,
        string sortedPath, string unsortedPath, TextWriter log, int rowCount, CancellationToken cancellationToken)
    {
        await using var sorted = Feed(new ServedDataset(schema, version, [sortedPath], publishedAt));
        await using var unsorted = Feed(new ServedDataset(schema, version, [unsortedPath], publishedAt));
        var root = new Uri("http://bench.invalid/odata/");
        var steward = DemoPrincipals.All.Single(p => p.Role == Role.Steward);
        var community = DemoPrincipals.All.First(p => p.Role == Role.CommunityWorker);
        var street = DemoPrincipals.All.First(p => p.Role == Role.StreetWorker);
        var entitySet = await EntitySetAsync(sorted.Service, steward, root, cancellationToken);

        var requests = new (Principal Principal, string Path, string What)[]
        {
            (community, entitySet, "first page"),
            (street, entitySet, "first page"),
            (steward, entitySet, "first page"),
            (community, entitySet + "/$count", "$count"),
            (community, "", "service document (no DuckDB query)"),
        };
        var pages = new List<PageTiming>();
        foreach (var (principal, path, what) in requests)
        {
            var uri = new Uri(root, path);
            long rows = 0, bytes = 0;
            async Task<(double Total, double Headers)> TimeAsync(ODataFeedService service)
            {
                var clock = Stopwatch.StartNew();
                await using var result = await service.HandleAsync(new FeedRequest(principal, root, uri), cancellationToken);
                var headers = clock.Elapsed.TotalSeconds;
                using var body = new MemoryStream();
                await result.WriteBodyAsync(body, cancellationToken);
                clock.Stop();
                if (result.StatusCode != 200)
                    throw new InvalidOperationException($"The feed answered {result.StatusCode} {result.Outcome.ErrorCode} to {principal.Name} for {uri}: {result.Outcome.Failure}");
                rows = result.Outcome.RowsReturned > 0 ? result.Outcome.RowsReturned : result.Outcome.TotalCount ?? 0;
                bytes = body.Length;
                return (clock.Elapsed.TotalSeconds, headers);
            }

            for (var i = 0; i < Warmup; i++)
            {
                await TimeAsync(sorted.Service);
                await TimeAsync(unsorted.Service);
            }
            var s = new List<(double Total, double Headers)>();
            var u = new List<(double Total, double Headers)>();
            for (var i = 0; i < runs; i++)
            {
                if (i % 2 == 0)
                {
                    s.Add(await TimeAsync(sorted.Service));
                    u.Add(await TimeAsync(unsorted.Service));
                }
                else
                {
                    u.Add(await TimeAsync(unsorted.Service));
                    s.Add(await TimeAsync(sorted.Service));
                }
            }
            var label = string.Create(CultureInfo.InvariantCulture, $"{principal.Name} ({principal.ScopeCode}): {what}");
            var timing = new PageTiming(label, rows, bytes, Stats.Median(s.Select(x => x.Total)), Stats.Median(u.Select(x => x.Total)),
                Stats.Median(s.Select(x => x.Headers)), Stats.Median(u.Select(x => x.Headers)));
            pages.Add(timing);
            await log.WriteLineAsync($"[{rowCount:N0} rows] OData {label}: sorted {Stats.Ms(timing.SortedMedian)} ms (headers {Stats.Ms(timing.SortedHeaders)}), unsorted {Stats.Ms(timing.UnsortedMedian)} ms (headers {Stats.Ms(timing.UnsortedHeaders)}), {Stats.Ratio(timing.Ratio)}");
        }
        return pages;
    }

    /// <summary>The entity set of the (only) dataset, from the service document as a client would find it.</summary>
    private static async Task<string> EntitySetAsync(ODataFeedService service, Principal principal, Uri root, CancellationToken cancellationToken)
    {
        await using var result = await service.HandleAsync(new FeedRequest(principal, root, root), cancellationToken);
        using var body = new MemoryStream();
        await result.WriteBodyAsync(body, cancellationToken);
        if (result.StatusCode != 200) throw new InvalidOperationException($"The service document answered {result.StatusCode}: {result.Outcome.Failure}");
        using var doc = JsonDocument.Parse(body.ToArray());
        return doc.RootElement.GetProperty("value")[0].GetProperty("url").GetString()
            ?? throw new InvalidOperationException("The service document lists no entity set.");
    }

    private static FeedHost Feed(ServedDataset dataset)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IServedDatasets>(new FixedServedDatasets(dataset));
        services.AddDataHubServing(o =>
        {
            o.Secret = "datahub-bench-serving-secret-0123456789abcdef";
            o.MemoryLimit = "1GB";
            o.Threads = 2;
        });
        var provider = services.BuildServiceProvider();
        return new FeedHost(provider, provider.GetRequiredService<ODataFeedService>());
    }

    private sealed record FeedHost(ServiceProvider Provider, ODataFeedService Service) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Provider.DisposeAsync();
    }

    private sealed class FixedServedDatasets(ServedDataset dataset) : IServedDatasets
    {
        public IReadOnlyList<ServedDataset> Current() => [dataset];

        public ServedDataset? Find(string datasetName, long? version) =>
            datasetName == dataset.Schema.Name && (version is null || version == dataset.Version) ? dataset : null;
    }

    /// <summary>An in-memory DuckDB with the serving layer's settings (DuckDbEngine).</summary>
    private static DuckDBConnection OpenDuckDb()
    {
        var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        Exec(conn, """
            SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;
            SET memory_limit='1GB'; SET threads=2; SET TimeZone='UTC'; SET parquet_metadata_cache=true;
            """);
        return conn;
    }

    /// <summary>Row groups of the file; with a column and bounds, those whose min/max statistics can hold a row of [low, high).</summary>
    private static long RowGroups(DuckDBConnection conn, string file, string? column, string? low, string? high) =>
        Scalar(conn, column is null
            ? $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata({Sql.Literal(file)})"
            : $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata({Sql.Literal(file)}) WHERE path_in_schema = {Sql.Literal(column)} AND stats_max_value >= {Sql.Literal(low!)} AND stats_min_value < {Sql.Literal(high!)}");

    private static void Exec(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
