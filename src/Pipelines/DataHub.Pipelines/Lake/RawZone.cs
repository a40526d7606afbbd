using System.Globalization;
using System.Text;
using DataHub.Core.Files;
using DataHub.Connectors.Abstractions;
using DataHub.Pipelines.Normalization;
using DuckDB.NET.Data;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// The raw zone: what each read returned, kept per run as Parquet, so a published value can be
/// traced to the source row it came from (by record id and position) and a column the mapping does
/// not use is still at hand.
/// <code>
/// {raw}/{source}/{run}/raw.parquet   _position, _deletion, _record_id, then every source column as text
/// {raw}/{source}/{run}/input.csv     a file source (CSV): the file itself, byte for byte as read (its SHA-256 is the run's)
/// {raw}/{source}/{run}/record_ids.parquet   beside input.csv: _position (the line), _record_id of every accepted row
/// </code>
/// A file source keeps the file rather than a re-formatted copy of its records: the same content
/// (the lines are the positions), at the cost of a file copy instead of formatting and re-parsing
/// every record (bench/RESULTS.md).
/// Personal data: folders are 0700 and files 0600 on Unix (the service account only), and runs
/// older than the retention are removed.
/// </summary>
public sealed class RawZone(string root)
{
    public const string FileName = "raw.parquet";

    public string Root { get; } = Path.GetFullPath(root);

    public string RunDirectory(string sourceId, string runId) => Path.Combine(Root, Safe(sourceId), runId);

    /// <summary>Creates the run's folder and the folders above it, each owner-only from the start.</summary>
    internal string CreateRunDirectory(string sourceId, string runId)
    {
        var directory = RunDirectory(sourceId, runId);
        OwnerOnly.CreateDirectory(Root);
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(directory)!);
        OwnerOnly.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Removes the raw runs of a source older than <paramref name="keep"/> (run ids start with their UTC start time).</summary>
    public void Prune(string sourceId, TimeSpan keep, DateTimeOffset now)
    {
        var dir = Path.Combine(Root, Safe(sourceId));
        if (!Directory.Exists(dir)) return;
        foreach (var run in Directory.EnumerateDirectories(dir))
        {
            var name = Path.GetFileName(run);
            if (name.Length >= 15 && DateTimeOffset.TryParseExact(name[..15], "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var started) && now - started > keep)
                Directory.Delete(run, recursive: true);
        }
    }

    /// <summary>
    /// Copies the file a read consumed into the run's raw folder (private). The copy is taken after the
    /// read, so the file must still be what was read: same length and last write time, else the
    /// copy is removed and the run fails as transient (the file is being replaced; reading again helps).
    /// </summary>
    /// <returns>The copy's path.</returns>
    internal string KeepFile(string sourceId, string runId, Connectors.Abstractions.SourceContent content)
    {
        var directory = CreateRunDirectory(sourceId, runId);
        var extension = Path.GetExtension(content.File);
        var copy = Path.Combine(directory, "input" + (string.IsNullOrEmpty(extension) ? ".csv" : extension.ToLowerInvariant()));
        using (var target = new FileStream(copy, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            OwnerOnly.RestrictFile(copy);
            using var from = new FileStream(content.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            from.CopyTo(target, 1 << 20);
        }
        var info = new FileInfo(content.File);
        if (info.Length != content.Length || info.LastWriteTimeUtc != content.LastWriteUtc || new FileInfo(copy).Length != content.Length)
        {
            File.Delete(copy);
            throw new Core.Failures.DataHubException(Core.Failures.FailureKind.Transient, "SOURCE_FILE_CHANGED", "读取完成后源文件被修改了，原始区副本与读取的内容不一致",
                content.File, "等文件写入或复制完成后重新运行");
        }
        return copy;
    }

    // A source id names a folder: keep it one path segment.
    private static string Safe(string sourceId) => string.Concat(sourceId.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c is '/' or '\\' or '.' ? '_' : c));
}

/// <summary>
/// Streams one run's records into a private CSV beside the Parquet file, then has DuckDB write the
/// Parquet (the same reason as <see cref="RunStage"/>: one native call per value is slow).
/// </summary>
internal sealed class RawZoneWriter : IDisposable
{
    private readonly string _directory;
    private readonly string _csv;
    private StreamWriter? _writer;
    private IReadOnlyList<SourceColumn>? _columns;

    public RawZoneWriter(RawZone zone, string sourceId, string runId)
    {
        _directory = zone.CreateRunDirectory(sourceId, runId);
        _csv = Path.Combine(_directory, "raw.csv");
        var stream = new FileStream(_csv, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        OwnerOnly.RestrictFile(_csv);
        _writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
    }

    public string Directory => _directory;

    /// <summary>Appends lines <see cref="Format"/> produced (on a worker task), in read order.</summary>
    public void AddLines(IReadOnlyList<SourceColumn> columns, System.Text.StringBuilder lines)
    {
        _columns ??= columns;
        _writer!.Write(lines);
    }

    /// <summary>One record as a raw-zone CSV line: position, deletion flag, record id, then every source column as text.</summary>
    public static void Format(System.Text.StringBuilder sb, IReadOnlyList<SourceColumn> columns, SourceRecord record, string? recordId)
    {
        sb.Append(CultureInfo.InvariantCulture, $"{record.Position}");
        sb.Append(record.IsDeletion ? ",true," : ",false,");
        if (recordId is not null) Quoted(sb, recordId);
        for (var i = 0; i < columns.Count; i++)
        {
            sb.Append(',');
            if (i < record.Values.Length && RecordNormalizer.Text(record.Values[i]) is { } text) Quoted(sb, text);
        }
        sb.Append('\n');
    }

    public string? Finish()
    {
        _writer!.Dispose();
        _writer = null;
        if (_columns is null) return null;
        var parquet = Path.Combine(_directory, RawZone.FileName);
        var names = new[] { ("_position", "BIGINT"), ("_deletion", "BOOLEAN"), ("_record_id", "VARCHAR") }
            .Concat(_columns.Select(c => (c.Name, "VARCHAR")));
        var columns = "{" + string.Join(", ", names.Select(n => $"{Literal(n.Item1)}: {Literal(n.Item2)}")) + "}";
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"""
            SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;
            COPY (SELECT * FROM read_csv({Literal(_csv)}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"',
                  new_line = '\n', allow_quoted_nulls = false, columns = {columns}))
            TO {Literal(parquet)} (FORMAT parquet, COMPRESSION zstd);
            """;
        cmd.ExecuteNonQuery();
        OwnerOnly.RestrictFile(parquet);
        File.Delete(_csv);
        return parquet;
    }

    private static void Quoted(System.Text.StringBuilder sb, string value)
    {
        sb.Append('"');
        if (value.Contains('"', StringComparison.Ordinal)) sb.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        else sb.Append(value);
        sb.Append('"');
    }

    public void Dispose()
    {
        _writer?.Dispose();
        if (File.Exists(_csv)) File.Delete(_csv);
    }
}
