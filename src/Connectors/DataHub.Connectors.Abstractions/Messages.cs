namespace DataHub.Connectors.Abstractions;

/// <summary>Capabilities are declared, not probed (Hangfire's JobStorageFeatures).</summary>
/// <param name="Type">The connector type named in source files, e.g. <c>csv</c>.</param>
/// <param name="Options">The options a source definition may set under <c>connector:</c>.</param>
public sealed record ConnectorSpec(
    string Type,
    string DisplayName,
    IReadOnlyList<ConnectorOption> Options,
    bool SupportsIncremental,
    bool HasCursor,
    bool ReportsContent = false);

/// <summary>One connector option: its name, zh-CN description, default (null: none) and whether a source must set it.</summary>
public sealed record ConnectorOption(string Name, string Description, string? Default, bool Required);

/// <summary>A configured source: connector options plus the folder relative paths resolve against.</summary>
public sealed record SourceConfig(string SourceId, IReadOnlyDictionary<string, string> Options, string BaseDirectory)
{
    public string? Option(string name) => Options.TryGetValue(name, out var v) ? v : null;

    public string RequireOption(string name) => Option(name)
        ?? throw new ConnectorException(ConnectorFailure.Config, "CONFIG_OPTION_MISSING",
            $"数据源“{SourceId}”缺少连接器选项“{name}”", where: $"数据源 {SourceId} 的 connector 配置",
            fix: $"在数据源文件的 connector 部分加上 {name}: …");

    /// <summary>A path option resolved against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string name)
    {
        var path = RequireOption(name);
        return Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(BaseDirectory, path));
    }
}

public sealed record CheckResult(bool Succeeded, string Message)
{
    public static CheckResult Ok(string message) => new(true, message);

    public static CheckResult Failed(string message) => new(false, message);
}

/// <summary>One column as the source names it, with its 1-based position.</summary>
public sealed record SourceColumn(string Name, int Ordinal, string? DeclaredType = null);

/// <param name="Notes">What a person should know about how the source was read (zh-CN), e.g. hidden Excel columns skipped; the run report lists them.</param>
public sealed record SourceStream(string Name, IReadOnlyList<SourceColumn> Columns, long? EstimatedRecords = null, IReadOnlyList<string>? Notes = null);

/// <summary>
/// One source record. <see cref="Position"/> locates it in the source for people (CSV: the line
/// where the record starts; database: the row number); <see cref="Values"/> follow the batch's columns.
/// Values are strings for text sources and typed CLR values for typed sources.
/// <see cref="IsDeletion"/> marks a record the source reports as deleted (a status value or a
/// tombstone): only the natural-key columns need values; the runner removes that key.
/// </summary>
public readonly record struct SourceRecord(long Position, object?[] Values, bool IsDeletion = false);

/// <summary>
/// A batch of records sharing one column list; the last batch of a read carries the state to commit
/// and any <see cref="Warnings"/> about the read as a whole (e.g. a file that looks cut off).
/// <see cref="IsDelta"/> (set on every batch of an incremental read) says the records are only the
/// changes since the state the read was given: the runner merges them into the previous rows of
/// the source instead of replacing them.
/// </summary>
/// <param name="Content">
/// On the last batch of a connector whose spec says <see cref="ConnectorSpec.ReportsContent"/>: the
/// file the records were parsed from and the SHA-256 of exactly the bytes read. The runner then
/// fingerprints the input by that hash and keeps the file itself as the raw copy, instead of
/// re-encoding every record for both.
/// </param>
public sealed record RecordBatch(IReadOnlyList<SourceColumn> Columns, IReadOnlyList<SourceRecord> Records, ConnectorState? State = null,
    IReadOnlyList<ConnectorWarning>? Warnings = null, bool IsDelta = false, SourceContent? Content = null);

/// <summary>The bytes a read consumed: the file, its SHA-256 (lower-case hex), length and last write time when read (to notice a later change).</summary>
public sealed record SourceContent(string File, string Sha256, long Length, DateTime LastWriteUtc);

/// <summary>
/// Something suspicious about a read that does not make it fail by itself: a stable code, a zh-CN
/// message and where (never a row value). <c>CSV_TRUNCATED</c> makes the run's publish guard hold it.
/// </summary>
public sealed record ConnectorWarning(string Code, string Message, string Where);

/// <summary>An opaque cursor (JSON) the connector gets back on the next run.</summary>
public sealed record ConnectorState(string Json);
