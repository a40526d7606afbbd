using System.Globalization;
using System.Text.Json;
using DataHub.Core.Schema;
using DataHub.Pipelines.Normalization;
using DuckDB.NET.Data;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// A run's scratch space: accepted rows arrive as one staging Parquet file per batch, written by the
/// worker tasks (<see cref="StagingFile"/>), and quarantined rows go into an on-disk DuckDB database;
/// at the end DuckDB queries the staging files in place (nothing is loaded or re-parsed), ranks the
/// keys on the narrow columns only, types, sorts by the scope key and writes Parquet. Memory stays
/// bounded (DuckDB spills). Staging files rather than DuckDB's Appender because the Appender costs
/// one native call per value, and rather than a staging CSV because re-parsing it cost more than
/// writing it (docs/PUBLISHING.md, "Speed"). Nothing here is visible to readers.
/// </summary>
internal sealed partial class RunStage : IDisposable
{
    private readonly DatasetSchema _schema;
    private readonly DuckDBConnection _conn;
    private readonly string _dbPath;
    private long _acceptedRows;
    private DuckDBAppender? _quarantine;
    private DuckDBAppender? _fieldIssues;
    private DuckDBAppender? _deleted;

    /// <summary>Where to write every accepted row's line and record id (the raw zone's index beside a kept input file); null for none.</summary>
    public string? RecordIdIndex { get; set; }

    /// <summary>The staged lines that made it into the part (for the field issues kept).</summary>
    private string _keptLines = "SELECT _line FROM ranked WHERE _rank = 1";

    public RunStage(DatasetSchema schema, string runDirectory, string memoryLimit, int threads)
    {
        _schema = schema;
        FileModes.CreateRestricted(runDirectory);
        _dbPath = Path.Combine(runDirectory, "stage.duckdb");
        _conn = new DuckDBConnection($"DataSource={_dbPath}");
        _conn.Open();
        Exec($"""
            SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;
            SET memory_limit={Literal(memoryLimit)}; SET threads={threads.ToString(CultureInfo.InvariantCulture)};
            CREATE TABLE quarantine (source_line BIGINT NOT NULL, reason_codes VARCHAR NOT NULL, reasons VARCHAR NOT NULL, original_values VARCHAR NOT NULL, record_kind VARCHAR NOT NULL);
            CREATE TABLE field_issues (source_line BIGINT NOT NULL, community_code VARCHAR, field VARCHAR NOT NULL, reason_code VARCHAR NOT NULL, reason VARCHAR NOT NULL, original_value VARCHAR NOT NULL, record_id VARCHAR);
            CREATE TABLE deleted (_key VARCHAR NOT NULL, _line BIGINT NOT NULL);
            """);
        AcceptedFolder = Path.Combine(runDirectory, StagingFile.FolderName);
        if (Directory.Exists(AcceptedFolder)) Directory.Delete(AcceptedFolder, recursive: true); // an earlier attempt's
        FileModes.CreateRestricted(AcceptedFolder);
        _quarantine = _conn.CreateAppender("quarantine");
        _fieldIssues = _conn.CreateAppender("field_issues");
        _deleted = _conn.CreateAppender("deleted");
    }

    /// <summary>A key the source reports as deleted (status value or tombstone).</summary>
    public void AddDeleted(string recordId, long position) =>
        _deleted!.CreateRow().AppendValue(recordId).AppendValue(position).EndRow();

    /// <summary>Where the worker tasks write the batches' staging files (<see cref="StagingFile"/>); deleted with the stage.</summary>
    public string AcceptedFolder { get; }

    /// <summary>Counts accepted rows a batch wrote to its staging file (applied in read order).</summary>
    public void AddAccepted(int rows) => _acceptedRows += rows;

    /// <summary>The values a field rule set to null in an accepted row, with the originals and the row's record id.</summary>
    public void AddFieldIssues(NormalizedRecord record)
    {
        foreach (var issue in record.FieldIssues ?? [])
        {
            _fieldIssues!.CreateRow().AppendValue(record.Position)
                .AppendValue(_schema.ScopeField is { } scope ? record.Row![scope] : null).AppendValue(issue.Field).AppendValue(issue.Code)
                .AppendValue(issue.Message).AppendValue(issue.Original).AppendValue(record.Row![_schema.KeyField]).EndRow();
        }
    }

    /// <param name="originalJson">The record's source values (column → text) as JSON, or for a carried-over row its stored original values.</param>
    /// <param name="kind">What the original values are (<see cref="Ingestion.QuarantineKinds"/>): only rows can be reprocessed.</param>
    public void AddQuarantined(NormalizedRecord record, string originalJson, string kind) =>
        AddQuarantined(record.Position, string.Join(';', record.Problems.Select(p => p.Code).Distinct()), string.Join('；', record.Problems.Select(p => p.Message)), originalJson, kind);

    public void AddQuarantined(long position, string reasonCodes, string reasons, string originalJson, string kind) =>
        _quarantine!.CreateRow().AppendValue(position).AppendValue(reasonCodes).AppendValue(reasons).AppendValue(originalJson).AppendValue(kind).EndRow();

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
    public StageResult Finish(string versionDirectory, string partFileName, string runDirectory, IReadOnlyList<string>? previousFiles, Ingestion.RunTimings? timings = null)
    {
        var (key, rows, duplicates, conflicts) = LoadAndRank(timings);
        timings?.Mark(Ingestion.RunTimings.SortCopy);
        var typed = string.Join(", ", _schema.Fields.Select(f => f.Type == FieldType.String
            ? Quote(f.Name)
            : $"CAST({Quote(f.Name)} AS {For(f)}) AS {Quote(f.Name)}"));
        var order = _schema.ScopeField is { } scope ? $"{Quote(scope)}, {key}" : key;
        Directory.CreateDirectory(versionDirectory);
        var part = Path.Combine(versionDirectory, partFileName);
        var kept = $"SELECT {typed} FROM accepted SEMI JOIN (SELECT _line FROM ranked WHERE _rank = 1) kept USING (_line)";
        // Deleted keys that the same read does not also deliver as rows (see previousFiles).
        Exec("CREATE TABLE gone AS SELECT DISTINCT _key FROM deleted ANTI JOIN (SELECT _key FROM ranked WHERE _rank = 1) r USING (_key)");
        long inserted = rows, updated = 0, removed = 0, versionRows = rows;
        // Small row groups let a community-scoped query skip most of the file by min/max statistics,
        // and DuckDB decompresses a whole group's column chunks to return any of its rows: at 4,096
        // rows (two DuckDB vectors) a community page decodes about a quarter of what a 16,384-row
        // group costs, for about 3% more file (bench feed-http, docs/ARCHITECTURE.md).
        if (previousFiles is null)
        {
            Exec($"COPY ({kept} ORDER BY {order}) TO {Literal(part)} {PublishedParquet}");
        }
        else
        {
            var files = "[" + string.Join(", ", previousFiles.Select(Literal)) + "]";
            Exec($"CREATE TABLE delta AS {kept}");
            Exec(previousFiles.Count == 0
                ? $"CREATE TABLE previous AS SELECT * FROM delta WHERE false"
                : $"CREATE TABLE previous AS SELECT * FROM read_parquet({files})");
            updated = Scalar($"SELECT count(*) FROM delta SEMI JOIN previous USING ({key})");
            inserted = rows - updated;
            removed = Scalar($"SELECT count(*) FROM previous p WHERE p.{key} IN (SELECT _key FROM gone)");
            // BY NAME: a version written under an older schema version still lines up column by column.
            Exec($"""
                COPY (SELECT * FROM (
                        SELECT * FROM previous p WHERE p.{key} NOT IN (SELECT {key} FROM delta) AND p.{key} NOT IN (SELECT _key FROM gone)
                        UNION ALL BY NAME SELECT * FROM delta)
                      ORDER BY {order}) TO {Literal(part)} {PublishedParquet}
                """);
            versionRows = Scalar($"SELECT count(*) FROM read_parquet({Literal(part)})");
        }
        timings?.Mark(Ingestion.RunTimings.SideFiles);
        Exec($"COPY (SELECT _line AS source_line, _key AS record_id, _kept_line AS kept_line FROM ranked WHERE _rank > 1 AND _line NOT IN (SELECT _line FROM conflicts) ORDER BY _line) TO {Literal(Path.Combine(runDirectory, "duplicates.parquet"))} (FORMAT parquet)");
        Exec($"COPY (SELECT * FROM quarantine ORDER BY source_line) TO {Literal(QuarantineFile.In(runDirectory))} (FORMAT parquet)");
        // Field issues of the rows kept only: a duplicate's issues left with the duplicate.
        Exec($"COPY (SELECT f.* FROM field_issues f SEMI JOIN (SELECT _line FROM ranked WHERE _rank = 1) kept ON kept._line = f.source_line ORDER BY f.source_line, f.field) TO {Literal(Path.Combine(runDirectory, "field_issues.parquet"))} (FORMAT parquet)");
        FileModes.RestrictDirectory(runDirectory);
        return new StageResult(rows, duplicates, conflicts, inserted, updated, removed, versionRows, part);
    }

    /// <summary>
    /// Closes the appenders, loads the staged rows and ranks them by key (newest first): the tables
    /// <c>accepted</c>, <c>ranked</c> and <c>conflicts</c> (same key, different person: quarantined with both rows).
    /// </summary>
    private (string Key, long Rows, long Duplicates, long Conflicts) LoadAndRank(Ingestion.RunTimings? timings = null)
    {
        timings?.Mark(Ingestion.RunTimings.StagingLoad);
        _quarantine!.Dispose();
        _quarantine = null;
        _fieldIssues!.Dispose();
        _fieldIssues = null;
        _deleted!.Dispose();
        _deleted = null;
        // A view over the batches' files: each statement below reads only the columns it names.
        Exec(_acceptedRows > 0
            ? $"CREATE VIEW accepted AS SELECT * FROM read_parquet({Literal(StagingFile.Glob(AcceptedFolder))})"
            : "CREATE TABLE accepted (" + string.Join(", ", _schema.Fields.Select(f => $"{Quote(f.Name)} VARCHAR")) + $", {StagingFile.LineColumn} BIGINT)");

        if (RecordIdIndex is { } index)
        {
            timings?.Mark(Ingestion.RunTimings.RawZone);
            Exec($"COPY (SELECT _line AS _position, {Quote(_schema.KeyField)} AS _record_id FROM accepted) TO {Literal(index)} (FORMAT parquet, COMPRESSION zstd)");
            Core.Files.OwnerOnly.RestrictFile(index);
        }
        timings?.Mark(Ingestion.RunTimings.Rank);
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
        // Same key, different person: a row whose identity fields disagree with the row kept is a key
        // conflict, quarantined with both rows and their lines, not silently dropped as a duplicate.
        var identity = _schema.Identity.Where(f => _schema.FindField(f) is not null).ToArray();
        var differs = identity.Length == 0 ? "false" : string.Join(" OR ", identity.Select(f => $"a.{Quote(f)} IS DISTINCT FROM k.{Quote(f)}"));
        Exec($"""
            CREATE TABLE conflicts AS
            SELECT r._line, r._kept_line FROM ranked r JOIN accepted a ON a._line = r._line JOIN accepted k ON k._line = r._kept_line
            WHERE r._rank > 1 AND ({differs});
            INSERT INTO quarantine
            SELECT c._line, 'KEY_CONFLICT',
                   '与第' || c._kept_line || '行的{_schema.Field(_schema.NaturalKey[0]).Title}相同，但{string.Join("/", identity.Select(f => _schema.Field(f).Title))}不一致；按规则保留第' || c._kept_line || '行',
                   json_object('line', c._line, 'row', to_json(a), 'kept_line', c._kept_line, 'kept_row', to_json(k))::VARCHAR, 'key_conflict'
            FROM conflicts c JOIN accepted a ON a._line = c._line JOIN accepted k ON k._line = c._kept_line;
            """);
        var rows = Scalar("SELECT count(*) FROM ranked WHERE _rank = 1");
        var conflicts = Scalar("SELECT count(*) FROM conflicts");
        return (key, rows, Scalar("SELECT count(*) FROM ranked WHERE _rank > 1") - conflicts, conflicts);
    }

    /// <summary>Field issues per reason code among the rows kept (after de-duplication).</summary>
    public IReadOnlyDictionary<string, long> KeptFieldIssues()
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = $"SELECT f.reason_code, count(*) FROM field_issues f SEMI JOIN ({_keptLines}) kept ON kept._line = f.source_line GROUP BY 1";
        using var r = cmd.ExecuteReader();
        while (r.Read()) result[r.GetString(0)] = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
        return result;
    }

    /// <summary>
    /// Closes and deletes the scratch. Each step on its own: on a full disk closing an appender
    /// fails, and that must neither hide the run's own failure nor keep the files (and the disk full).
    /// </summary>
    public void Dispose()
    {
        Try(() => _quarantine?.Dispose());
        Try(() => _fieldIssues?.Dispose());
        Try(() => _deleted?.Dispose());
        Try(_conn.Dispose);
        foreach (var f in new[] { _dbPath, _dbPath + ".wal" })
        {
            Try(() => { if (File.Exists(f)) File.Delete(f); });
        }
        Try(() => { if (Directory.Exists(_dbPath + ".tmp")) Directory.Delete(_dbPath + ".tmp", recursive: true); });
        Try(() => { if (Directory.Exists(AcceptedFolder)) Directory.Delete(AcceptedFolder, recursive: true); });
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

    /// <summary>Cancelling the run interrupts the statement running inside DuckDB (a long COPY included). Set before <see cref="Finish"/>.</summary>
    public CancellationToken Cancellation { get; set; }

    private void Exec(string sql) => Exec(sql, Cancellation);

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

    internal static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>
/// What <see cref="RunStage.Finish"/> wrote. <see cref="Rows"/> are the distinct keys read (the
/// accepted rows), <see cref="Inserted"/> + <see cref="Updated"/> = <see cref="Rows"/>;
/// <see cref="Deleted"/> counts previous rows removed; <see cref="VersionRows"/> is the new version's size.
/// </summary>
/// <summary>
/// What the stage wrote: the rows kept, duplicates dropped and key conflicts quarantined from this
/// read; for an incremental read also how it changed the source's previous part; and the part file.
/// </summary>
internal sealed record StageResult(long Rows, long Duplicates, long Conflicts, long Inserted, long Updated, long Deleted, long VersionRows, string Part);
