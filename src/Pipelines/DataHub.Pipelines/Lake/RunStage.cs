using System.Globalization;
using System.Text.Json;
using DataHub.Core.Schema;
using DataHub.Pipelines.Normalization;
using DuckDB.NET.Data;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// A run's scratch space: accepted rows stream into a staging CSV (quoted, UTF-8) and quarantined
/// rows into an on-disk DuckDB database; at the end DuckDB loads the staging file in parallel,
/// de-duplicates, types, sorts by the scope key and writes Parquet. Memory stays bounded (DuckDB
/// spills). A CSV file rather than DuckDB's Appender because the Appender costs one native call
/// per value, which measured as a third of a run (bench/). Nothing here is visible to readers.
/// </summary>
internal sealed class RunStage : IDisposable
{
    private readonly DatasetSchema _schema;
    private readonly DuckDBConnection _conn;
    private readonly string _dbPath;
    private readonly string _stagingCsv;
    private StreamWriter? _accepted;
    private DuckDBAppender? _quarantine;

    public RunStage(DatasetSchema schema, string runDirectory, string memoryLimit, int threads)
    {
        _schema = schema;
        Directory.CreateDirectory(runDirectory);
        _dbPath = Path.Combine(runDirectory, "stage.duckdb");
        _conn = new DuckDBConnection($"DataSource={_dbPath}");
        _conn.Open();
        Exec($"""
            SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;
            SET memory_limit={Literal(memoryLimit)}; SET threads={threads.ToString(CultureInfo.InvariantCulture)};
            CREATE TABLE quarantine (source_line BIGINT NOT NULL, reason_codes VARCHAR NOT NULL, reasons VARCHAR NOT NULL, original_values VARCHAR NOT NULL);
            """, CancellationToken.None);
        _stagingCsv = Path.Combine(runDirectory, "accepted.csv");
        _accepted = new StreamWriter(_stagingCsv, append: false, new System.Text.UTF8Encoding(false), 1 << 20);
        _quarantine = _conn.CreateAppender("quarantine");
    }

    /// <summary>One CSV line: every present value quoted (quotes doubled), null as an empty unquoted field.</summary>
    public void AddAccepted(NormalizedRecord record)
    {
        var w = _accepted!;
        foreach (var f in _schema.Fields)
        {
            if (record.Row![f.Name] is { } value)
            {
                w.Write('"');
                w.Write(value.Contains('"', StringComparison.Ordinal) ? value.Replace("\"", "\"\"", StringComparison.Ordinal) : value);
                w.Write('"');
            }
            w.Write(',');
        }
        w.Write(record.Position.ToString(CultureInfo.InvariantCulture));
        w.Write('\n');
    }

    public void AddQuarantined(NormalizedRecord record, IReadOnlyDictionary<string, string?> original)
    {
        _quarantine!.CreateRow()
            .AppendValue(record.Position)
            .AppendValue(string.Join(';', record.Problems.Select(p => p.Code).Distinct()))
            .AppendValue(string.Join('；', record.Problems.Select(p => p.Message)))
            .AppendValue(JsonSerializer.Serialize(original, JsonOptions))
            .EndRow();
    }

    /// <summary>
    /// Writes the de-duplicated, typed, sorted version to <paramref name="versionDirectory"/> and
    /// the quarantine and duplicate lists to <paramref name="runDirectory"/>. Returns the rows written
    /// and the duplicates dropped. Of rows sharing a key the newest by the version field wins,
    /// then the later line in the source.
    /// </summary>
    public (long Rows, long Duplicates, IReadOnlyList<string> Files) Finish(string versionDirectory, string runDirectory, CancellationToken cancellationToken)
    {
        _accepted!.Dispose();
        _accepted = null;
        _quarantine!.Dispose();
        _quarantine = null;
        var columns = "{" + string.Join(", ", _schema.Fields.Select(f => $"{Literal(f.Name)}: 'VARCHAR'")) + ", '_line': 'BIGINT'}";
        Exec($"""
            CREATE TABLE accepted AS SELECT * FROM read_csv({Literal(_stagingCsv)}, header = false, auto_detect = false,
                delim = ',', quote = '"', escape = '"', new_line = '\n', allow_quoted_nulls = false, columns = {columns});
            """, cancellationToken);

        var key = Quote(_schema.KeyField);
        // Version-field values are staged as UTC text (RecordNormalizer), so they sort as strings:
        // no timestamp parsing inside the window. Only the narrow columns are ranked.
        var newest = _schema.VersionField is { } vf ? $"{Quote(vf)} DESC NULLS LAST, " : "";
        Exec($"""
            CREATE TABLE ranked AS
            SELECT _line, {key} AS _key,
                   row_number() OVER w AS _rank, first_value(_line) OVER w AS _kept_line
            FROM accepted
            WINDOW w AS (PARTITION BY {key} ORDER BY {newest}_line DESC);
            """, cancellationToken);
        var typed = string.Join(", ", _schema.Fields.Select(f => f.Type == FieldType.String
            ? Quote(f.Name)
            : $"CAST({Quote(f.Name)} AS {For(f)}) AS {Quote(f.Name)}"));
        var order = _schema.ScopeField is { } scope ? $"{Quote(scope)}, {key}" : key;
        Directory.CreateDirectory(versionDirectory);
        var part = Path.Combine(versionDirectory, "part-0.parquet");
        // Small row groups let a community-scoped query skip most of the file by min/max statistics.
        Exec($"COPY (SELECT {typed} FROM accepted SEMI JOIN (SELECT _line FROM ranked WHERE _rank = 1) kept USING (_line) ORDER BY {order}) TO {Literal(part)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)", cancellationToken);
        Exec($"COPY (SELECT _line AS source_line, _key AS record_id, _kept_line AS kept_line FROM ranked WHERE _rank > 1 ORDER BY _line) TO {Literal(Path.Combine(runDirectory, "duplicates.parquet"))} (FORMAT parquet)", cancellationToken);
        Exec($"COPY (SELECT * FROM quarantine ORDER BY source_line) TO {Literal(Path.Combine(runDirectory, "quarantine.parquet"))} (FORMAT parquet)", cancellationToken);
        var rows = Scalar("SELECT count(*) FROM ranked WHERE _rank = 1");
        var duplicates = Scalar("SELECT count(*) FROM ranked WHERE _rank > 1");
        return (rows, duplicates, [Path.GetFileName(part)]);
    }

    /// <summary>
    /// Closes and deletes the scratch. Each step on its own: on a full disk flushing the staging CSV
    /// fails, and that must neither hide the run's own failure nor keep the files (and the disk full).
    /// </summary>
    public void Dispose()
    {
        Try(() => _accepted?.Dispose());
        Try(() => _quarantine?.Dispose());
        Try(_conn.Dispose);
        foreach (var f in new[] { _dbPath, _dbPath + ".wal", _stagingCsv })
        {
            Try(() => { if (File.Exists(f)) File.Delete(f); });
        }
        Try(() => { if (Directory.Exists(_dbPath + ".tmp")) Directory.Delete(_dbPath + ".tmp", recursive: true); });
    }

    private static void Try(Action step)
    {
        try
        {
            step();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DuckDBException or ObjectDisposedException)
        {
            // Best effort: start-up recovery removes whatever is left.
        }
    }

    /// <summary>Runs one statement; cancelling interrupts it inside DuckDB (a long COPY included).</summary>
    public void Exec(string sql, CancellationToken cancellationToken)
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        cancellationToken.ThrowIfCancellationRequested();
        using var registration = cancellationToken.Register(static c => ((DuckDBCommand)c!).Cancel(), cmd);
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (DuckDBException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private long Scalar(string sql)
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
