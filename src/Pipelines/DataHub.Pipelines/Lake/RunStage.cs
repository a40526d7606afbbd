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
    private DuckDBAppender? _deleted;

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
            CREATE TABLE deleted (_key VARCHAR NOT NULL, _line BIGINT NOT NULL);
            """);
        _stagingCsv = Path.Combine(runDirectory, "accepted.csv");
        _accepted = new StreamWriter(_stagingCsv, append: false, new System.Text.UTF8Encoding(false), 1 << 20);
        _quarantine = _conn.CreateAppender("quarantine");
        _deleted = _conn.CreateAppender("deleted");
    }

    /// <summary>A key the source reports as deleted (status value or tombstone).</summary>
    public void AddDeleted(string recordId, long position) =>
        _deleted!.CreateRow().AppendValue(recordId).AppendValue(position).EndRow();

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
    /// the quarantine and duplicate lists to <paramref name="runDirectory"/>. Of rows sharing a key
    /// the newest by the version field wins, then the later line in the source.
    /// </summary>
    /// <param name="previousFiles">
    /// Null for a full read: the version is exactly the rows read. For an incremental read, the
    /// Parquet files of the previous rows of this source: the version is those rows with the keys
    /// read replaced, the deleted keys removed, and the new keys added. A key both read and
    /// reported deleted stays: the row in the source is the truth now (a tombstone of a key that
    /// was re-inserted is history).
    /// </param>
    public StageResult Finish(string versionDirectory, string runDirectory, IReadOnlyList<string>? previousFiles)
    {
        _accepted!.Dispose();
        _accepted = null;
        _quarantine!.Dispose();
        _quarantine = null;
        _deleted!.Dispose();
        _deleted = null;
        var columns = "{" + string.Join(", ", _schema.Fields.Select(f => $"{Literal(f.Name)}: 'VARCHAR'")) + ", '_line': 'BIGINT'}";
        Exec($"""
            CREATE TABLE accepted AS SELECT * FROM read_csv({Literal(_stagingCsv)}, header = false, auto_detect = false,
                delim = ',', quote = '"', escape = '"', new_line = '\n', allow_quoted_nulls = false, columns = {columns});
            """);

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
            """);
        var typed = string.Join(", ", _schema.Fields.Select(f => f.Type == FieldType.String
            ? Quote(f.Name)
            : $"CAST({Quote(f.Name)} AS {For(f)}) AS {Quote(f.Name)}"));
        var order = _schema.ScopeField is { } scope ? $"{Quote(scope)}, {key}" : key;
        Directory.CreateDirectory(versionDirectory);
        var part = Path.Combine(versionDirectory, "part-0.parquet");
        var kept = $"SELECT {typed} FROM accepted SEMI JOIN (SELECT _line FROM ranked WHERE _rank = 1) kept USING (_line)";
        var rows = Scalar("SELECT count(*) FROM ranked WHERE _rank = 1");
        var duplicates = Scalar("SELECT count(*) FROM ranked WHERE _rank > 1");
        // Deleted keys that the same read does not also deliver as rows (see previousFiles).
        Exec("CREATE TABLE gone AS SELECT DISTINCT _key FROM deleted ANTI JOIN (SELECT _key FROM ranked WHERE _rank = 1) r USING (_key)");
        long inserted = rows, updated = 0, removed = 0, versionRows = rows;
        // Small row groups let a community-scoped query skip most of the file by min/max statistics.
        const string ParquetOptions = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)";
        if (previousFiles is null)
        {
            Exec($"COPY ({kept} ORDER BY {order}) TO {Literal(part)} {ParquetOptions}");
        }
        else
        {
            var files = "[" + string.Join(", ", previousFiles.Select(Literal)) + "]";
            Exec($"CREATE TABLE delta AS {kept}");
            Exec($"CREATE TABLE previous AS SELECT * FROM read_parquet({files})");
            updated = Scalar($"SELECT count(*) FROM delta SEMI JOIN previous USING ({key})");
            inserted = rows - updated;
            removed = Scalar($"SELECT count(*) FROM previous p WHERE p.{key} IN (SELECT _key FROM gone)");
            // BY NAME: a version written under an older schema version still lines up column by column.
            Exec($"""
                COPY (SELECT * FROM (
                        SELECT * FROM previous p WHERE p.{key} NOT IN (SELECT {key} FROM delta) AND p.{key} NOT IN (SELECT _key FROM gone)
                        UNION ALL BY NAME SELECT * FROM delta)
                      ORDER BY {order}) TO {Literal(part)} {ParquetOptions}
                """);
            versionRows = Scalar($"SELECT count(*) FROM read_parquet({Literal(part)})");
        }
        Exec($"COPY (SELECT _line AS source_line, _key AS record_id, _kept_line AS kept_line FROM ranked WHERE _rank > 1 ORDER BY _line) TO {Literal(Path.Combine(runDirectory, "duplicates.parquet"))} (FORMAT parquet)");
        Exec($"COPY (SELECT * FROM quarantine ORDER BY source_line) TO {Literal(Path.Combine(runDirectory, "quarantine.parquet"))} (FORMAT parquet)");
        return new StageResult(rows, duplicates, inserted, updated, removed, versionRows, [Path.GetFileName(part)]);
    }

    public void Dispose()
    {
        _accepted?.Dispose();
        _quarantine?.Dispose();
        _deleted?.Dispose();
        _conn.Dispose();
        foreach (var f in new[] { _dbPath, _dbPath + ".wal", _stagingCsv })
        {
            if (File.Exists(f)) File.Delete(f);
        }
    }

    private void Exec(string sql)
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>
/// What <see cref="RunStage.Finish"/> wrote. <see cref="Rows"/> are the distinct keys read (the
/// accepted rows), <see cref="Inserted"/> + <see cref="Updated"/> = <see cref="Rows"/>;
/// <see cref="Deleted"/> counts previous rows removed; <see cref="VersionRows"/> is the new version's size.
/// </summary>
internal sealed record StageResult(long Rows, long Duplicates, long Inserted, long Updated, long Deleted, long VersionRows, IReadOnlyList<string> Files);
