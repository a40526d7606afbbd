using System.Diagnostics;
using System.Globalization;
using DataHub.Connectors;
using DataHub.Connectors.Abstractions;
using DataHub.Core.Schema;
using DataHub.Host.Composition;
using DataHub.Pipelines.Ingestion;
using DataHub.Pipelines.Normalization;
using DataHub.Pipelines.Sources;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;

namespace DataHub.Bench;

/// <summary>The measured workloads of the ingest benchmark.</summary>
internal enum ProbeKind
{
    /// <summary>The runtime with the engine opened (catalog, division reference), no work: the memory floor.</summary>
    Floor,

    /// <summary>DuckDB alone: read_csv (all VARCHAR) sorted by the community column, COPY to Parquet.</summary>
    Baseline,

    /// <summary>The full DataHub run: IngestionRunner.RunAsync.</summary>
    Pipeline,

    /// <summary>Only the CSV connector: decode, parse, hash the file.</summary>
    Read,

    /// <summary>The connector plus RecordNormalizer on every record (no staging, no Parquet).</summary>
    Normalize,

    /// <summary>The .xlsx at CsvPath read with MiniExcel (candidate Excel reader).</summary>
    ReadMiniExcel,

    /// <summary>The .xlsx at CsvPath read with ExcelDataReader (candidate Excel reader).</summary>
    ReadExcelDataReader,
}

/// <summary>What a probe works on. Serialised as JSON onto the child's command line.</summary>
internal sealed record ProbeSpec(ProbeKind Kind, string DataRoot, string SourceFile, string CsvPath, string OutputFile, string TempDirectory);

/// <summary>One measurement. Only <see cref="Seconds"/> is timed; setup (opening the engine) is not.</summary>
/// <param name="PeakWorkingSetBytes">Process.PeakWorkingSet64 at the end (VmHWM): managed and native (DuckDB) memory of the whole process.</param>
/// <param name="AllocatedBytes">Managed bytes allocated during the timed part (GC.GetTotalAllocatedBytes); DuckDB's native memory is not in it.</param>
/// <param name="OwnProcess">Whether the probe ran in a fresh process (peak working set then belongs to this probe alone).</param>
internal sealed record ProbeResult(
    ProbeKind Kind,
    double Seconds,
    long Rows,
    double CpuSeconds,
    long PeakWorkingSetBytes,
    long AllocatedBytes,
    long OutputBytes,
    string? Detail,
    bool OwnProcess,
    IReadOnlyDictionary<string, double>? Phases = null,
    IReadOnlyDictionary<string, double>? PhasesCpu = null,
    string? Gc = null);

internal static class Probes
{
    public static async Task<ProbeResult> RunAsync(ProbeSpec spec, bool ownProcess, CancellationToken cancellationToken) => spec.Kind switch
    {
        ProbeKind.Floor => await FloorAsync(spec, ownProcess, cancellationToken),
        ProbeKind.Baseline => Baseline(spec, ownProcess, cancellationToken),
        ProbeKind.Pipeline => await PipelineAsync(spec, ownProcess, cancellationToken),
        ProbeKind.Read or ProbeKind.Normalize => await ReadAsync(spec, ownProcess, cancellationToken),
        ProbeKind.ReadMiniExcel or ProbeKind.ReadExcelDataReader => ExcelCandidates.Read(spec, ownProcess, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown probe."),
    };

    private static async Task<ProbeResult> FloorAsync(ProbeSpec spec, bool ownProcess, CancellationToken cancellationToken)
    {
        var meter = Meter.Start();
        await OpenEngineAsync(spec, cancellationToken);
        return meter.Stop(spec.Kind, 0, 0, null, ownProcess);
    }

    /// <summary>
    /// DuckDB alone, with the settings a pipeline run gets (memory limit, threads) and the same Parquet
    /// options as the published file (zstd, 4,096-row groups), so the ratio measures the pipeline's own work.
    /// </summary>
    private static ProbeResult Baseline(ProbeSpec spec, bool ownProcess, CancellationToken cancellationToken)
    {
        var defaults = new IngestionOptions { LakeRoot = spec.TempDirectory, RecordIdKey = new byte[16] };
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        Directory.CreateDirectory(spec.TempDirectory);
        Exec(conn, string.Create(CultureInfo.InvariantCulture, $"""
            SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;
            SET memory_limit={Sql.Literal(defaults.DuckDbMemoryLimit)}; SET threads={defaults.DuckDbThreads};
            SET temp_directory={Sql.Literal(spec.TempDirectory)};
            """));
        if (File.Exists(spec.OutputFile)) File.Delete(spec.OutputFile);
        cancellationToken.ThrowIfCancellationRequested();

        var meter = Meter.Start();
        Exec(conn, $"""
            COPY (SELECT * FROM read_csv({Sql.Literal(spec.CsvPath)}, all_varchar=true, header=true, delim=',', quote='"')
                  ORDER BY {Sql.Identifier(BaselineSortColumn)})
            TO {Sql.Literal(spec.OutputFile)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)
            """);
        var result = meter.Stop(spec.Kind, 0, new FileInfo(spec.OutputFile).Length, null, ownProcess);

        using var count = conn.CreateCommand();
        count.CommandText = $"SELECT count(*) FROM read_parquet({Sql.Literal(spec.OutputFile)})";
        return result with { Rows = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture) };
    }

    /// <summary>The export's community column (社区代码), the column the pipeline sorts by after mapping.</summary>
    public const string BaselineSortColumn = "社区代码";

    private static async Task<ProbeResult> PipelineAsync(ProbeSpec spec, bool ownProcess, CancellationToken cancellationToken)
    {
        var engine = await OpenEngineAsync(spec, cancellationToken);
        // An unchanged input publishes nothing (docs/PUBLISHING.md): every repetition gets a definition
        // that differs by a comment, so each one does the whole work.
        await File.AppendAllTextAsync(spec.SourceFile, $"\n# bench repetition {Guid.NewGuid():N}\n", cancellationToken);
        var meter = Meter.Start();
        var report = await engine.Runner.RunAsync(spec.SourceFile, cancellationToken);
        var result = meter.Stop(spec.Kind, report.RowsRead, 0, null, ownProcess);
        if (!report.Succeeded) throw new InvalidOperationException("The pipeline run failed:\n" + report.ToText());

        // The derived rebuild is part of the run, but its failure only logs (the publish stands): a run
        // whose derived datasets were not rebuilt from this version did not do the whole work.
        var lineage = await engine.Catalog.Datasets.CurrentLineageAsync(cancellationToken);
        if (!lineage.TryGetValue("address_match", out var derived) || !derived.Inputs.Any(i => i.Dataset == report.Dataset && i.Version == report.Version))
            throw new InvalidOperationException("The derived datasets were not rebuilt from the version the run published (see the data folder's logs/datahub.log).");
        var current = (await engine.Catalog.Datasets.CurrentVersionsAsync(cancellationToken)).Single(v => v.Dataset == report.Dataset);
        var output = current.Files.Sum(f => new FileInfo(Path.Combine(current.Directory, f)).Length);
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"read {report.RowsRead:N0} = accepted {report.Accepted:N0} + quarantined {report.Quarantined:N0} + duplicates {report.Duplicates:N0}");
        return result with { OutputBytes = output, Detail = detail, Phases = report.Timings, PhasesCpu = report.CpuTimings };
    }

    private static async Task<ProbeResult> ReadAsync(ProbeSpec spec, bool ownProcess, CancellationToken cancellationToken)
    {
        var engine = await OpenEngineAsync(spec, cancellationToken);
        var source = SourceDefinitionLoader.Load(spec.SourceFile);
        var schema = SchemaLoader.Get(source.Dataset);
        var connector = new ConnectorRegistry(ConnectorCatalog.BuiltIn()).Get(source.ConnectorType);
        var config = new SourceConfig(source.Id, source.ConnectorOptions, source.BaseDirectory);
        var hasher = new RecordIdHasher(SecretFiles.LoadOrCreate(engine.Data.RecordIdKeyPath));

        var meter = Meter.Start();
        var stream = await connector.DiscoverAsync(config, cancellationToken);
        var normalizer = spec.Kind == ProbeKind.Normalize ? RecordNormalizer.Bind(source, schema, stream.Columns, engine.Catalog.Divisions, hasher) : null;
        long rows = 0, accepted = 0;
        await foreach (var batch in connector.ReadAsync(config, null, cancellationToken))
        {
            foreach (var record in batch.Records)
            {
                rows++;
                if (normalizer is not null && normalizer.Normalize(record).Accepted) accepted++;
            }
        }
        var detail = normalizer is null ? null : string.Create(CultureInfo.InvariantCulture, $"{accepted:N0} rows pass validation (before de-duplication)");
        return meter.Stop(spec.Kind, rows, 0, detail, ownProcess);
    }

    private static Task<DataHubEngine> OpenEngineAsync(ProbeSpec spec, CancellationToken cancellationToken) =>
        DataHubEngine.OpenAsync(new DataDirectory(spec.DataRoot), TimeProvider.System, ProbeLogging, cancellationToken);

    /// <summary>The engine's warnings and errors on stderr (a failed run's cause), nothing else.</summary>
    private static readonly ILoggerFactory ProbeLogging = new LoggerFactory([new StderrLoggerProvider()]);

    private static void Exec(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Wall clock, CPU time and managed allocations of the timed part.</summary>
    internal sealed class Meter
    {
        private readonly Stopwatch _clock;
        private readonly TimeSpan _cpu;
        private readonly long _allocated;
        private readonly int[] _collections = new int[3];
        private readonly TimeSpan _paused;

        private Meter()
        {
            for (var g = 0; g < 3; g++) _collections[g] = GC.CollectionCount(g);
            _paused = GC.GetTotalPauseDuration();
            using var self = Process.GetCurrentProcess();
            _cpu = self.TotalProcessorTime;
            _allocated = GC.GetTotalAllocatedBytes(precise: true);
            _clock = Stopwatch.StartNew();
        }

        public static Meter Start() => new();

        public ProbeResult Stop(ProbeKind kind, long rows, long outputBytes, string? detail, bool ownProcess)
        {
            _clock.Stop();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
            using var self = Process.GetCurrentProcess();
            // Which collector ran, how often per generation and how long it paused the program: the
            // cost of the garbage that *managed allocations* counts.
            var gc = string.Create(CultureInfo.InvariantCulture,
                $"{(System.Runtime.GCSettings.IsServerGC ? "Server" : "Workstation")} GC, gen0/1/2 collections {GC.CollectionCount(0) - _collections[0]}/{GC.CollectionCount(1) - _collections[1]}/{GC.CollectionCount(2) - _collections[2]}, paused {(GC.GetTotalPauseDuration() - _paused).TotalSeconds:0.00} s");
            return new ProbeResult(kind, _clock.Elapsed.TotalSeconds, rows, (self.TotalProcessorTime - _cpu).TotalSeconds,
                self.PeakWorkingSet64, allocated, outputBytes, detail, ownProcess, Gc: gc);
        }
    }
}

/// <summary>SQL quoting for paths and identifiers the harness builds.</summary>
internal static class Sql
{
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
