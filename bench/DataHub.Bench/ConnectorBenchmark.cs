using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Csv;
using DataHub.TestKit.Connectors;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataHub.Bench;

/// <param name="Baseline">The CSV connector reading the export.</param>
/// <param name="Others">Each other connector (and Excel reader candidate) on the same rows.</param>
/// <param name="ServerCpu">Median CPU seconds of the harness process while a probe ran, by label: the loopback servers' work for the HTTP rows.</param>
/// <param name="Http">The HTTP connectors on the simulated district's records, each with its own CSV baseline.</param>
internal sealed record ConnectorResult(int Rows, long CsvBytes, long XlsxBytes, Series Baseline, IReadOnlyList<Series> Others, IReadOnlyList<string> Notes,
    IReadOnlyDictionary<string, double> ServerCpu, IReadOnlyList<HttpPairResult> Http, string District);

/// <summary>An HTTP connector's read and the CSV connector's read of the same records.</summary>
internal sealed record HttpPairResult(string Records, string Paging, long CsvBytes, Series Csv, Series Connector);

/// <summary>
/// connectors: every connector reads the same rows (the simulated 公安 export) from its own kind of
/// source: the CSV file (baseline), the same rows as an .xlsx workbook, as an SQLite table, and as a
/// PostgreSQL table when a server is given (--postgres or DATAHUB_TEST_POSTGRES), as JSON records
/// from the simulator's enterprise API (REST connector); plus the Excel readers the connector was
/// chosen against (MiniExcel, ExcelDataReader) on the same workbook. The REST and FHIR connectors
/// also read the simulated district's own enterprises and patients, each against the CSV connector
/// on the same records (<see cref="HttpSources"/>). Each read runs in its own child process so peak
/// memory is the reader's own.
/// </summary>
internal static partial class ConnectorBenchmark
{
    public const string CsvLabel = "CSV connector (baseline)";

    public static async Task<ConnectorResult> RunAsync(BenchArgs args, Workspace workspace, ExportPair export, TextWriter log, CancellationToken cancellationToken)
    {
        var folder = workspace.Folder($"rows-{export.Rows}", "connectors");
        var utf8 = export.Utf8;
        var notes = new List<string>();
        await log.WriteLineAsync($"[{export.Rows:N0} rows] writing the same rows as .xlsx and SQLite ...");
        var (columns, rows) = await ReadExportAsync(utf8, cancellationToken);
        var xlsx = Path.Combine(utf8.DataRoot, "sources", "公安_实有人口.xlsx");
        XlsxWriter.Write(xlsx, new XlsxSheet("实有人口", new[] { columns.Cast<object?>().ToArray() }.Concat(rows.Select(r => r.Cast<object?>().ToArray()))));
        var sqlite = Path.Combine(utf8.DataRoot, "sources", "公安_实有人口.db");
        WriteSqlite(sqlite, columns, rows);

        var yaml = File.ReadAllText(utf8.SourceFile);
        string Source(string name, string connector)
        {
            var path = Path.Combine(Path.GetDirectoryName(utf8.SourceFile)!, name);
            File.WriteAllText(path, WithConnector(yaml, connector));
            return path;
        }
        ProbeSpec Spec(ProbeKind kind, string source, string input) => new(kind, utf8.DataRoot, source, input, Path.Combine(folder, "unused"), Path.Combine(folder, "tmp"));

        var plan = new List<(string Label, ProbeSpec Spec)>
        {
            (CsvLabel, Spec(ProbeKind.Read, utf8.SourceFile, utf8.CsvPath)),
            ("Excel connector (DocumentFormat.OpenXml parts + XmlReader, layout pass + row pass)", Spec(ProbeKind.Read, Source("excel.yaml", "  type: excel\n  path: 公安_实有人口.xlsx"), xlsx)),
            ("candidate: MiniExcel 1.46 Query (rows only, no layout pass)", Spec(ProbeKind.ReadMiniExcel, utf8.SourceFile, xlsx)),
            ("candidate: ExcelDataReader 3.6 (rows only)", Spec(ProbeKind.ReadExcelDataReader, utf8.SourceFile, xlsx)),
            ("database connector, SQLite file", Spec(ProbeKind.Read, Source("sqlite.yaml", "  type: database\n  provider: sqlite\n  database: 公安_实有人口.db\n  table: 实有人口"), sqlite)),
        };
        var postgres = args.Postgres ?? Environment.GetEnvironmentVariable("DATAHUB_TEST_POSTGRES");
        string? schema = null;
        if (!string.IsNullOrEmpty(postgres))
        {
            schema = "bench_" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            await log.WriteLineAsync($"[{export.Rows:N0} rows] copying the rows into PostgreSQL schema {schema} ...");
            await WritePostgresAsync(postgres, schema, columns, rows, cancellationToken);
            var cs = new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema, Password = null }.ToString();
            plan.Add(("database connector, PostgreSQL (loopback)", Spec(ProbeKind.Read, Source("postgres.yaml", $"  type: database\n  provider: postgresql\n  connection: \"{cs}\"\n  table: 实有人口"), "")));
        }
        else notes.Add("No PostgreSQL server given (--postgres or DATAHUB_TEST_POSTGRES): the PostgreSQL row is missing.");
        HttpSources? http = null;
        try
        {
            http = await HttpSources.StartAsync(export, folder, args.Seed, columns, rows, Source, log, cancellationToken);
            rows.Clear();
            plan.Add((http.PopulationRest!.Value.Label, Spec(ProbeKind.Read, http.PopulationRest.Value.SourceFile, "")));
            var firstPair = plan.Count;
            foreach (var pair in http.Pairs)
            {
                plan.Add((pair.CsvLabel + " — " + pair.Records, pair.Csv));
                plan.Add((pair.ConnectorLabel + " — " + pair.Records, pair.Connector));
            }

            var runs = plan.Select(_ => new List<ProbeResult>()).ToList();
            var serverCpu = plan.Select(_ => new List<double>()).ToList();
            for (var rep = 0; rep < args.Reps; rep++)
            {
                for (var k = 0; k < plan.Count; k++)
                {
                    var i = (k + rep) % plan.Count;
                    var harnessCpu = HarnessCpuSeconds();
                    var result = await ProbeHost.RunAsync(plan[i].Spec, args.InProcess, cancellationToken);
                    serverCpu[i].Add(HarnessCpuSeconds() - harnessCpu);
                    runs[i].Add(result);
                    await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"[{export.Rows:N0} rows] rep {rep + 1}/{args.Reps} {plan[i].Label}: {result.Seconds:0.000} s, {result.Rows:N0} rows, peak {Stats.Mb(result.PeakWorkingSetBytes)}"));
                }
            }
            var series = plan.Select((p, i) => new Series(p.Label, p.Spec.Kind, runs[i])).ToList();
            var main = series.Take(firstPair).ToList();
            foreach (var s in main.Where(s => s.Rows != main[0].Rows))
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{s.Label} read {s.Rows:N0} rows, the CSV connector {main[0].Rows:N0}."));
            var pairs = http.Pairs.Select((p, j) => new HttpPairResult(p.Records, p.Paging, p.CsvBytes, series[firstPair + 2 * j], series[firstPair + 2 * j + 1])).ToList();
            foreach (var p in pairs.Where(p => p.Csv.Rows != p.Connector.Rows))
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{p.Connector.Label} read {p.Connector.Rows:N0} rows, the CSV connector on its records {p.Csv.Rows:N0}."));
            // Only the HTTP reads have their server in the harness; for the others the harness is idle (or finishing its own JIT).
            var httpLabels = http.Pairs.Select(p => p.ConnectorLabel + " — " + p.Records).Append(http.PopulationRest.Value.Label).ToHashSet(StringComparer.Ordinal);
            var cpu = plan.Select((p, i) => (p.Label, Cpu: Stats.Median(serverCpu[i]))).Where(x => httpLabels.Contains(x.Label)).ToDictionary(x => x.Label, x => x.Cpu);
            return new ConnectorResult(export.Rows, utf8.CsvBytes, new FileInfo(xlsx).Length, main[0], main.Skip(1).ToList(), notes, cpu, pairs, http.District);
        }
        finally
        {
            if (http is not null) await http.DisposeAsync();
            if (schema is not null) await DropSchemaAsync(postgres!, schema);
        }
    }

    [GeneratedRegex(@"^connector:\n(?:[ \t].*\n|\n)*?(?=\S|\z)", RegexOptions.Multiline)]
    private static partial Regex ConnectorBlock();

    /// <summary>The source definition with its connector block replaced (indented lines, without the <c>connector:</c> line).</summary>
    internal static string WithConnector(string yaml, string connector) => ConnectorBlock().Replace(yaml, "connector:\n" + connector + "\n\n", 1);

    private static double HarnessCpuSeconds()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>The export's header and rows as text, read with the CSV connector itself.</summary>
    private static async Task<(List<string> Columns, List<string?[]> Rows)> ReadExportAsync(PreparedExport export, CancellationToken cancellationToken)
    {
        var config = new SourceConfig("bench", new Dictionary<string, string> { ["path"] = export.CsvPath }, Path.GetDirectoryName(export.CsvPath)!);
        var connector = CsvConnectorRegistration.Create();
        var stream = await connector.DiscoverAsync(config, cancellationToken);
        var rows = new List<string?[]>();
        await foreach (var batch in connector.ReadAsync(config, null, cancellationToken))
            rows.AddRange(batch.Records.Select(r => r.Values.Select(v => (string?)v).ToArray()));
        return (stream.Columns.Select(c => c.Name).ToList(), rows);
    }

    private static void WriteSqlite(string path, List<string> columns, List<string?[]> rows)
    {
        if (File.Exists(path)) File.Delete(path);
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using var tx = conn.BeginTransaction();
        using (var create = conn.CreateCommand())
        {
            create.CommandText = $"CREATE TABLE \"实有人口\" ({string.Join(", ", columns.Select(c => $"\"{c}\" TEXT"))})";
            create.ExecuteNonQuery();
        }
        using var insert = conn.CreateCommand();
        insert.CommandText = $"INSERT INTO \"实有人口\" VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        var ps = columns.Select((_, i) => insert.Parameters.Add("$p" + i.ToString(CultureInfo.InvariantCulture), SqliteType.Text)).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < ps.Length; i++) ps[i].Value = (object?)row[i] ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static async Task WritePostgresAsync(string server, string schema, List<string> columns, List<string?[]> rows, CancellationToken cancellationToken)
    {
        await using var conn = new NpgsqlConnection(server);
        await conn.OpenAsync(cancellationToken);
        await using (var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.\"实有人口\" ({string.Join(", ", columns.Select(c => $"\"{c}\" TEXT"))})", conn))
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        await using var import = await conn.BeginBinaryImportAsync($"COPY {schema}.\"实有人口\" FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await import.StartRowAsync(cancellationToken);
            foreach (var v in row) await import.WriteAsync(v, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
        }
        await import.CompleteAsync(cancellationToken);
    }

    private static async Task DropSchemaAsync(string server, string schema)
    {
        await using var conn = new NpgsqlConnection(server);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static string Render(IReadOnlyList<ConnectorResult> results)
    {
        var md = new StringBuilder();
        void Line(FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var r in results)
        {
            var b = r.Baseline;
            Line($"### connectors — {r.Rows:N0} rows");
            Line($"");
            Line($"The same rows (the simulated 公安 export, UTF-8 CSV {Stats.Mb1(r.CsvBytes)}) read to the end by each connector from its own kind of source: the CSV file, an .xlsx workbook written with DocumentFormat.OpenXml ({Stats.Mb1(r.XlsxBytes)}, strings in the shared-string table as Excel writes them), an SQLite table and a PostgreSQL table on loopback (all columns TEXT), and JSON records (column name: text) from the simulator's enterprise API on 127.0.0.1 (`DistrictServer`, in the harness process, no rate limit). Connector rows time `DiscoverAsync` + `ReadAsync` to the last batch; candidate rows read the rows and touch every value. *server CPU s* is the harness process's CPU time while the read ran: the loopback API's own work (SQLite, JSON, Kestrel), not in the reader's figures.");
            Line($"");
            Line($"| reader | median s | each rep (s) | rows | rows/s | time ÷ CSV | reader CPU s | server CPU s | peak working set | managed allocations |");
            Line($"|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var s in new[] { b }.Concat(r.Others)) Row(r, s, b, null);
            foreach (var n in r.Notes) Line($"\n> Note: {n}");
            Line($"");
            if (r.Http.Count == 0) continue;
            Line($"### connectors over HTTP — the simulated district's own records ({r.Rows:N0} rows)");
            Line($"");
            Line($"The simulated district ({r.District}) generated by `SimulatedDistrict` and served by its own `DistrictServer` on 127.0.0.1 in the harness process, with no rate limit (the server starts without one, and the `rate_limit: 20` the simulator writes into the enterprise source is removed). The harness adds one index to the simulator's store, `fhir (type, seq)`, and runs `ANALYZE`, so that the FHIR server's `_offset` pages walk an index instead of sorting every Patient on every page, and each page's `_revinclude` looks its patients up by the patient index instead of reading every Condition and CarePlan (without them the server's cost grows with the square of the patients); the server code is unchanged. Page sizes are those of the source definitions the simulator writes. Each HTTP read is paired with the CSV connector reading the very same records, written once (untimed) from the same connector's output as UTF-8 CSV, so *time ÷ CSV* compares like with like. FHIR rows are one per Patient with its Conditions and CarePlan folded in (`_revinclude`), so each row costs several resources.");
            Line($"");
            Line($"| records | reader | paging | median s | each rep (s) | rows | rows/s | time ÷ CSV | reader CPU s | server CPU s | peak working set | managed allocations |");
            Line($"|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var p in r.Http)
            {
                Row(r, p.Csv, p.Csv, (p.Records, $"– (file {Stats.Mb1(p.CsvBytes)})"));
                Row(r, p.Connector, p.Csv, (p.Records, p.Paging));
            }
            Line($"");
        }
        return md.ToString();

        void Row(ConnectorResult r, Series s, Series baseline, (string Records, string Paging)? pair)
        {
            var reps = string.Join(" / ", s.Runs.Select(x => Stats.S(x.Seconds)));
            var server = r.ServerCpu.TryGetValue(s.Label, out var c) ? c.ToString("0.00", CultureInfo.InvariantCulture) : "–";
            var label = pair is { } p0 ? s.Label.Replace(" — " + p0.Records, "", StringComparison.Ordinal) : s.Label;
            var head = pair is { } p ? $"| {p.Records} | {label} | {p.Paging} " : $"| {label} ";
            md.Append(head).Append(string.Create(CultureInfo.InvariantCulture,
                $"| {Stats.S(s.MedianSeconds)} | {reps} | {s.Rows:N0} | {Stats.N(s.RowsPerSecond)} | **{Stats.Ratio(s.MedianSeconds / baseline.MedianSeconds)}** | {s.MedianCpuSeconds:0.00} | {server} | {Stats.Mb(s.MaxPeakWorkingSet)} | {Stats.Mb(s.MedianAllocated)} |")).Append('\n');
        }
    }
}
