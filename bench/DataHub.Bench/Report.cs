using System.Globalization;
using System.Text;

namespace DataHub.Bench;

/// <summary>The results as markdown: the same text goes to stdout and to bench/RESULTS.md.</summary>
internal static class Report
{
    /// <summary>The top of a results file; each harness run then adds a <see cref="Run"/> block (<c>--append</c> adds another).</summary>
    public const string FileHeader = "# DataHub benchmark results\n\nWritten by `bench/DataHub.Bench` (how to run it and how to read it: [README.md](README.md)).\n\n";

    public static string Run(BenchArgs args, IReadOnlyList<string> commandLine, MachineInfo machine,
        IReadOnlyList<IngestResult> ingest, IReadOnlyList<ScopedResult> scoped, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        void Line(FormattableString text = default!) => md.Append(text is null ? "" : text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        var benchmarks = string.Join(" + ", new[] { (args.Ingest, "ingest"), (args.ScopedQuery, "scoped-query"), (args.FeedHttp, "feed-http"), (args.Connectors, "connectors"), (args.HealthDuringIngest, "health-during-ingest") }.Where(b => b.Item1).Select(b => b.Item2));
        Line($"## Run: {benchmarks}, {string.Join(" and ", args.Rows.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} rows");
        Line();
        Line($"| | |");
        Line($"|---|---|");
        Line($"| date | {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC |");
        Line($"| machine | {machine.Processors} processors (nproc), {machine.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB RAM, {machine.Cpu} |");
        Line($"| software | {machine.Os}; {machine.Runtime}; DuckDB {machine.DuckDb} |");
        if (machine.LoadAtStart is { } load) Line($"| 1-minute load average at start | {load:0.0} (on {machine.Processors} processors; above that, other processes competed for the CPU) |");
        Line($"| command | `dotnet run -c Release --project bench/DataHub.Bench -- {string.Join(' ', commandLine)}` |");
        Line($"| rows | {string.Join(", ", args.Rows.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} (simulated export, seed {args.Seed}) |");
        var reps = new List<string>();
        if (args.Ingest) reps.Add(string.Create(CultureInfo.InvariantCulture, $"ingest: {args.Reps} per measurement, median"));
        if (args.Connectors) reps.Add(string.Create(CultureInfo.InvariantCulture, $"connectors: {args.Reps} reads per reader, median"));
        if (args.ScopedQuery || args.FeedHttp) reps.Add(string.Create(CultureInfo.InvariantCulture, $"queries: {args.QueryRuns} timed runs each after 3 warm-up runs, median"));
        if (args.HealthDuringIngest) reps.Add("health-during-ingest: one ingest, every poll counted");
        Line($"| repetitions | {string.Join("; ", reps)} |");
        Line($"| total harness time | {elapsed.TotalMinutes:0.0} min |");
        Line();
        if (args.Ingest || args.ScopedQuery || args.FeedHttp || args.Connectors)
            Line($"**Method.** Every figure is compared with a baseline measured in the same harness run on the same data, and the ratio is the result; absolute times are printed for context and only hold for this machine. Ingest measurements {(args.InProcess ? "run in the harness process one after another (so peak working set is process-wide: the largest value any measurement so far reached)" : "each run in a fresh child process of the harness (a hidden sub-command), one after another in an order rotated every repetition; peak working set is that child's")}; only the work is timed (not process start or opening the catalog). Query timings alternate between the two files run by run.");
        Line();

        foreach (var r in ingest) Ingest(md, r, args);
        foreach (var r in scoped) Scoped(md, r);
        return md.ToString();
    }

    private static void Ingest(StringBuilder md, IngestResult r, BenchArgs args)
    {
        void Line(FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var m = r.Export.Manifest;
        var b = r.Baseline;
        Line($"### ingest — {r.Export.Rows:N0} rows");
        Line($"");
        Line($"Input: the demo's simulated 公安 export (`DemoSetup.PrepareAsync`), {Stats.Mb1(r.Export.Utf8.CsvBytes)} as UTF-8 with BOM ({Stats.Mb1(r.Export.Gb18030.CsvBytes)} as the GB18030 original). Planted: {m.ExpectedAccepted:N0} rows to accept, {m.ExpectedQuarantined:N0} to quarantine, {m.ExpectedDuplicates:N0} duplicates. DuckDB cannot read GB18030 offline (its `encodings` extension is not available), so pipeline and baseline both read the UTF-8 transcoding of the same export; the baseline uses the pipeline's DuckDB settings (memory_limit 1GB, 2 threads) and Parquet options (zstd, 4,096-row groups).");
        Line($"");
        Line($"| measurement | median s | each rep (s) | rows/s | time ÷ baseline | best ÷ best | CPU s | peak working set | managed allocations | Parquet written |");
        Line($"|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in new[] { b }.Concat(r.Others))
        {
            var reps = string.Join(" / ", s.Runs.Select(x => Stats.S(x.Seconds)));
            var output = s.OutputBytes > 0 ? Stats.Mb1(s.OutputBytes) : "–";
            Line($"| {s.Label} | {Stats.S(s.MedianSeconds)} | {reps} | {Stats.N(s.RowsPerSecond)} | **{Stats.Ratio(s.MedianSeconds / b.MedianSeconds)}** | {Stats.Ratio(s.MinSeconds / b.MinSeconds)} | {s.MedianCpuSeconds:0.00} | {Stats.Mb(s.MaxPeakWorkingSet)} | {Stats.Mb(s.MedianAllocated)} | {output} |");
        }
        if (r.Floor is { OwnProcess: true } f)
            Line($"| floor: runtime + engine opened, no work | – | – | – | – | – | – | {Stats.Mb(f.PeakWorkingSetBytes)} | – | – |");
        Line($"");
        var pipeline = r.Others.FirstOrDefault(s => s.Label == IngestBenchmark.PipelineLabel);
        if (pipeline is not null)
        {
            var ratio = pipeline.MedianSeconds / b.MedianSeconds;
            Line($"**Pipeline ÷ baseline: {Stats.Ratio(ratio)}** — the full pipeline takes {ratio:0.0} times as long as DuckDB alone; its throughput is {100 / ratio:0}% of the baseline's ({Stats.N(pipeline.RowsPerSecond)} vs {Stats.N(b.RowsPerSecond)} rows/s). Peak working set {Stats.Mb(pipeline.MaxPeakWorkingSet)} vs {Stats.Mb(b.MaxPeakWorkingSet)}.");
            if (pipeline.Runs[^1].Detail is { } detail) Line($"Pipeline accounting: {detail}.");
            foreach (var s in r.Others.Where(s => s.Runs[^1].Gc is not null)) Line($"Garbage collection, {s.Label}: {s.Runs[^1].Gc}.");
            Line($"");
            Phases(md, pipeline, b);
        }
        if (r.Load.Count > 0)
            Line($"1-minute load average after the measurements: {r.Load.Min():0.0}–{r.Load.Max():0.0} on {Environment.ProcessorCount} processors{(r.Load.Max() > Environment.ProcessorCount ? " — other processes competed for the CPU, so single timings vary; compare ratios, and prefer *best ÷ best* when the reps disagree" : "")}.");
        Line($"");
        Line($"Columns: *time ÷ baseline* is the median time over the baseline's median (above 1: slower than DuckDB alone); *best ÷ best* the same with the fastest rep of each (less affected by other load); *CPU s* is process CPU time during the timed part (up to 2× wall time on 2 cores); *peak working set* is Process.PeakWorkingSet64 of {(args.InProcess ? "the harness process (process-wide)" : "the measurement's own process")}, native DuckDB memory included; *managed allocations* is GC.GetTotalAllocatedBytes over the timed part (managed garbage produced, not resident memory; DuckDB's native buffers are not in it). The stage rows run the pipeline's first steps alone on the same file: the rest of the pipeline's time is staging (DuckDB Appender), de-duplication, sorting, Parquet and publishing.");
        foreach (var w in r.Warnings) Line($"\n> Warning: {w}");
        Line($"");
    }

    /// <summary>The pipeline's time per stage (the run report's timings), median over the reps, against the baseline's time.</summary>
    private static void Phases(StringBuilder md, Series pipeline, Series baseline)
    {
        void Line(FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var names = pipeline.Runs.Where(r => r.Phases is not null).SelectMany(r => r.Phases!.Keys).Distinct().ToList();
        if (names.Count == 0) return;
        Line($"Pipeline time per stage (the run report's `timings`, median of the reps; the stages run one after another and add up to about the run's time, except the rows 派生：…, which are parts of 派生数据集):");
        Line($"");
        Line($"| stage | median s | CPU s | share of the run | ÷ baseline time |");
        Line($"|---|---:|---:|---:|---:|");
        foreach (var name in names)
        {
            var seconds = Stats.Median(pipeline.Runs.Select(r => r.Phases?.GetValueOrDefault(name) ?? 0));
            var cpu = pipeline.Runs.Any(r => r.PhasesCpu?.ContainsKey(name) == true) ? Stats.Median(pipeline.Runs.Select(r => r.PhasesCpu?.GetValueOrDefault(name) ?? 0)).ToString("0.00", CultureInfo.InvariantCulture) : "–";
            Line($"| {name} | {seconds:0.00} | {cpu} | {seconds / pipeline.MedianSeconds:P0} | {seconds / baseline.MedianSeconds:0.00} |");
        }
        Line($"");
    }

    private static void Scoped(StringBuilder md, ScopedResult r)
    {
        void Line(FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line($"### scoped-query — {r.Rows:N0} rows");
        Line($"");
        Line($"Published version v{r.Version} ({r.PublishedRows:N0} rows{(r.PublishedHere ? ", published for this benchmark by one untimed pipeline run" : ", from the ingest benchmark's last pipeline run")}): {Stats.Mb1(r.Sorted.Bytes)} in {r.Sorted.RowGroups} row groups, sorted by community code. The same rows in random order (`ORDER BY random()`, zstd, ROW_GROUP_SIZE 4096): {Stats.Mb1(r.Unsorted.Bytes)} in {r.Unsorted.RowGroups} row groups. Both queried by one in-memory DuckDB with the serving layer's settings (2 threads, 1GB, parquet_metadata_cache) and the serving layer's predicate `community_code >= $p0 AND community_code < $p1` with `$p1 = scope + '~'`.");
        Line($"");
        Line($"| scope | rows in scope | row groups whose min/max admit the scope: sorted | unsorted |");
        Line($"|---|---:|---:|---:|");
        foreach (var s in r.Scopes)
            Line($"| {s.Label} | {s.Rows:N0} | {s.RowGroupsSorted} of {r.Sorted.RowGroups} | {s.RowGroupsUnsorted} of {r.Unsorted.RowGroups} |");
        Line($"");
        Line($"| query (raw DuckDB) | scope | rows | sorted ms | unsorted ms | unsorted ÷ sorted |");
        Line($"|---|---|---:|---:|---:|---:|");
        foreach (var q in r.Queries)
            Line($"| `{q.Query}` | {q.Scope} | {q.Rows:N0} | {Stats.Ms(q.SortedMedian)} | {Stats.Ms(q.UnsortedMedian)} | **{Stats.Ratio(q.Ratio)}** |");
        Line($"");
        Line($"OData through `ODataFeedService` built by `AddDataHubServing` (no HTTP, no authentication, no audit): from the request to the complete body in a MemoryStream; *to headers* is the part until `HandleAsync` returns (every query planned and run, rows not yet written). A first page is `GET /odata/<entity set>` with no options, at the default page size.");
        Line($"");
        Line($"| request | rows | body | sorted ms | unsorted ms | unsorted ÷ sorted | to headers: sorted ms | unsorted ms |");
        Line($"|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in r.Pages)
            Line($"| {p.Request} | {p.Rows:N0} | {Stats.Kb(p.Bytes)} | {Stats.Ms(p.SortedMedian)} | {Stats.Ms(p.UnsortedMedian)} | **{Stats.Ratio(p.Ratio)}** | {Stats.Ms(p.SortedHeaders)} | {Stats.Ms(p.UnsortedHeaders)} |");
        Line($"");
        Line($"*unsorted ÷ sorted* above 1 is how many times longer the query takes when the file is not sorted by the scope key: the gain from the pipeline's sort. Medians of {r.Runs} runs.");
        Line($"");
    }
}
