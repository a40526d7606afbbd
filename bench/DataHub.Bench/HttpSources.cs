using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using DataHub.Connectors;
using DataHub.Connectors.Abstractions;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Pipelines.Sources;
using DataHub.Simulators.District;
using DataHub.Simulators.District.Servers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Bench;

/// <summary>One HTTP connector's read, and the CSV connector reading the very same records written as a CSV file.</summary>
internal sealed record HttpPairPlan(string Records, string Paging, string CsvLabel, ProbeSpec Csv, string ConnectorLabel, ProbeSpec Connector, long CsvBytes);

/// <summary>
/// The HTTP sources of the connectors benchmark, served on 127.0.0.1 by the simulator's own server code
/// (<see cref="DistrictServer"/>) in the harness process, with no rate limit on either side (the server
/// starts without one; the sources' <c>rate_limit</c> line is removed):
/// <list type="bullet">
/// <item>the simulated district generated with as many police rows as the export has rows: its 市场监管
/// enterprises read by the REST connector and its 卫健 patients (with their Conditions and CarePlans)
/// read by the FHIR connector, each paired with the same records written as CSV for the CSV connector;</item>
/// <item>the export's own rows as JSON records behind the same enterprise API (a second server whose
/// store holds only them), so the REST connector is compared with the main table's CSV baseline on
/// the same rows.</item>
/// </list>
/// The connectors run in the probes' child processes, so their peak working set is their own; the
/// servers' work shows as the harness process's CPU time while a probe runs.
/// </summary>
internal sealed partial class HttpSources : IAsyncDisposable
{
    /// <summary>The enterprise API's largest page (EnterpriseApi caps <c>size</c> at 1000).</summary>
    private const int PopulationPageSize = 1000;

    private readonly List<DistrictServer> _servers = [];

    public List<HttpPairPlan> Pairs { get; } = [];

    /// <summary>The REST connector on the export's own rows: its label and source file (read against the main CSV baseline).</summary>
    public (string Label, string SourceFile)? PopulationRest { get; private set; }

    /// <summary>What the district holds, for the report.</summary>
    public string District { get; private set; } = "";

    public static async Task<HttpSources> StartAsync(ExportPair export, string folder, int seed, IReadOnlyList<string> columns, IReadOnlyList<string?[]> rows,
        Func<string, string, string> populationSource, TextWriter log, CancellationToken cancellationToken)
    {
        var sources = new HttpSources();
        try
        {
            await sources.StartDistrictAsync(export, folder, seed, log, cancellationToken);
            await sources.StartPopulationApiAsync(export, folder, columns, rows, populationSource, log, cancellationToken);
            return sources;
        }
        catch
        {
            await sources.DisposeAsync();
            throw;
        }
    }

    private async Task StartDistrictAsync(ExportPair export, string folder, int seed, TextWriter log, CancellationToken cancellationToken)
    {
        var root = Path.Combine(folder, "district");
        var residents = Math.Min(export.Rows, 2_000_000);
        await log.WriteLineAsync($"[{export.Rows:N0} rows] generating the simulated district ({residents:N0} police rows) and starting its servers ...");
        var engine = await DataHubEngine.OpenAsync(new DataDirectory(root), TimeProvider.System, NullLoggerFactory.Instance, cancellationToken);
        var options = DistrictSetup.Options(engine, DistrictSetup.DefaultDistrict, residents, seed);
        var (server, truth, files) = await DistrictSetup.StartAsync(engine, options, postgres: null, port: 0, reset: true, cancellationToken);
        _servers.Add(server);
        District = string.Create(CultureInfo.InvariantCulture,
            $"district {truth.District}, {residents:N0} police rows, seed {seed}: {truth.Departments["enterprise"].Rows:N0} enterprise records, {truth.Departments["health"].Rows:N0} Patient records");

        // The simulated FHIR server pages with _offset and `ORDER BY seq`, which its (type, updated) index
        // cannot serve: every page re-reads and sorts every Patient (0.14 s of CPU a page at 11,000
        // patients). Without statistics, SQLite also answers each page's _revinclude through the type
        // index, i.e. by reading every Condition and CarePlan. Either makes a read's server cost grow with
        // the square of the patients. One index and ANALYZE fix both; the server code is unchanged. The
        // report states it.
        using (var store = Open(new DistrictPaths(root).Store))
            Exec(store, "CREATE INDEX IF NOT EXISTS bench_fhir_type_seq ON fhir (type, seq); ANALYZE;");

        // The source the simulator writes declares the API's agreed rate (rate_limit: 20/s): off for a throughput figure.
        var enterprise = Path.Combine(Path.GetDirectoryName(files["enterprise"])!, "scjg-enterprise.bench.yaml");
        await File.WriteAllTextAsync(enterprise, RateLimitLine().Replace(await File.ReadAllTextAsync(files["enterprise"], cancellationToken), ""), cancellationToken);
        await AddPairAsync("市场监管 enterprises", "REST connector, district enterprise API", enterprise, root, folder, log, cancellationToken);
        await AddPairAsync("卫健 patients (+ Conditions, CarePlans)", "FHIR connector, district FHIR server", files["health"], root, folder, log, cancellationToken);
    }

    /// <summary>Writes the records the connector reads as CSV (one untimed read) and plans both reads.</summary>
    private async Task AddPairAsync(string records, string label, string sourceFile, string dataRoot, string folder, TextWriter log, CancellationToken cancellationToken)
    {
        var source = SourceDefinitionLoader.Load(sourceFile);
        var paging = Paging(source.ConnectorType, source.ConnectorOptions);
        var csv = Path.Combine(Path.GetDirectoryName(sourceFile)!, source.Id + ".records.csv");
        await log.WriteLineAsync($"[{records}] writing the records the {source.ConnectorType} connector reads as CSV ...");
        var written = await WriteCsvAsync(sourceFile, csv, cancellationToken);
        var csvSource = Path.Combine(Path.GetDirectoryName(sourceFile)!, source.Id + ".csv.yaml");
        await File.WriteAllTextAsync(csvSource, ConnectorBenchmark.WithConnector(await File.ReadAllTextAsync(sourceFile, cancellationToken),
            $"  type: csv\n  path: {Path.GetFileName(csv)}"), cancellationToken);
        ProbeSpec Spec(string file) => new(ProbeKind.Read, dataRoot, file, csv, Path.Combine(folder, "unused"), Path.Combine(folder, "tmp"));
        Pairs.Add(new HttpPairPlan(string.Create(CultureInfo.InvariantCulture, $"{records}: {written:N0}"), paging,
            "CSV connector, the same records as CSV", Spec(csvSource), label, Spec(sourceFile), new FileInfo(csv).Length));
    }

    /// <summary>
    /// A second enterprise API whose store holds the export's rows as JSON objects (column name: text),
    /// built with the district store's own table definitions, so the REST connector reads exactly the
    /// rows the CSV baseline reads through the same server code.
    /// </summary>
    private async Task StartPopulationApiAsync(ExportPair export, string folder, IReadOnlyList<string> columns, IReadOnlyList<string?[]> rows,
        Func<string, string, string> populationSource, TextWriter log, CancellationToken cancellationToken)
    {
        await log.WriteLineAsync($"[{export.Rows:N0} rows] serving the export's rows through the simulator's enterprise API ...");
        var district = new DistrictPaths(Path.Combine(folder, "district"));
        var paths = new DistrictPaths(Path.Combine(folder, "rest-population"));
        Directory.CreateDirectory(paths.Simulator);
        Directory.CreateDirectory(paths.Secrets);
        File.Copy(district.ApiKey, paths.ApiKey, overwrite: true);
        using (var from = Open(district.Store))
        using (var to = Open(paths.Store))
        {
            using (var ddl = from.CreateCommand())
            {
                ddl.CommandText = "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite%' ORDER BY type = 'index'";
                using var reader = ddl.ExecuteReader();
                while (reader.Read()) Exec(to, reader.GetString(0));
            }
            using var tx = to.BeginTransaction();
            using var insert = to.CreateCommand();
            insert.CommandText = "INSERT INTO enterprise (seq, credit_code, updated, json) VALUES ($seq, '', $updated, $json)";
            var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
            var updated = insert.Parameters.Add("$updated", SqliteType.Text);
            var json = insert.Parameters.Add("$json", SqliteType.Text);
            var updatedColumn = columns.ToList().IndexOf("更新时间");
            var encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
            for (var i = 0; i < rows.Count; i++)
            {
                seq.Value = i + 1L;
                updated.Value = updatedColumn >= 0 ? rows[i][updatedColumn] ?? "" : "";
                json.Value = JsonObject(columns, rows[i], encoder);
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        var server = await DistrictServer.StartAsync(paths, cancellationToken: cancellationToken);
        _servers.Add(server);
        var source = populationSource("rest.yaml", $"""
              type: rest
              url: {server.EnterprisesUrl}
              records_path: data.items
              paging: cursor
              next_cursor_path: data.next_cursor
              page_size: {PopulationPageSize}
              auth_header: X-Api-Key
              auth_secret_file: {paths.ApiKey}
            """);
        PopulationRest = (string.Create(CultureInfo.InvariantCulture,
            $"REST connector, the same rows as JSON from the simulator's enterprise API (cursor paging, {PopulationPageSize:N0} per page)"), source);
    }

    private static string JsonObject(IReadOnlyList<string> columns, string?[] row, JavaScriptEncoder encoder)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            w.WriteStartObject();
            for (var c = 0; c < columns.Count; c++)
            {
                if (row[c] is { } value) w.WriteString(columns[c], value);
                else w.WriteNull(columns[c]);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads the source once with its connector and writes every record as RFC 4180 CSV (UTF-8 with BOM); returns the records written.</summary>
    private static async Task<long> WriteCsvAsync(string sourceFile, string csvPath, CancellationToken cancellationToken)
    {
        var source = SourceDefinitionLoader.Load(sourceFile);
        var connector = new ConnectorRegistry(ConnectorCatalog.BuiltIn()).Get(source.ConnectorType);
        var config = new SourceConfig(source.Id, source.ConnectorOptions, source.BaseDirectory);
        await connector.DiscoverAsync(config, cancellationToken);
        await using var writer = new StreamWriter(csvPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 1 << 16);
        var header = false;
        long written = 0;
        var line = new StringBuilder();
        await foreach (var batch in connector.ReadAsync(config, null, cancellationToken))
        {
            if (!header && batch.Columns.Count > 0)
            {
                await writer.WriteAsync(Line(line, batch.Columns.Select(c => (object?)c.Name)));
                header = true;
            }
            foreach (var record in batch.Records)
            {
                await writer.WriteAsync(Line(line, record.Values));
                written++;
            }
        }
        return written;
    }

    private static string Line(StringBuilder line, IEnumerable<object?> values)
    {
        line.Clear();
        var first = true;
        foreach (var value in values)
        {
            if (!first) line.Append(',');
            first = false;
            var text = value switch
            {
                null => "",
                string s => s,
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0) line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else line.Append(text);
        }
        return line.Append("\r\n").ToString();
    }

    private static string Paging(string type, IReadOnlyDictionary<string, string> options)
    {
        var size = options.TryGetValue("page_size", out var s) ? s : "100";
        return type == "fhir"
            ? $"Bundle next links, _count={size}"
            : $"{(options.TryGetValue("paging", out var p) ? p : "none")}, {size} per page";
    }

    private static SqliteConnection Open(string path)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        conn.Open();
        return conn;
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[ \t]*rate_limit:.*\n", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex RateLimitLine();

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        _servers.Clear();
    }
}
