using DataHub.Catalog.Runs;
using DataHub.Connectors.Abstractions;
using DataHub.Pipelines.Lake;
using DataHub.Pipelines.Normalization;
using DataHub.Pipelines.Sources;

namespace DataHub.Pipelines.Ingestion;

/// <summary>Counts as a run streams, so the report accounts for every row read.</summary>
internal sealed class RunTally
{
    private readonly Dictionary<string, long> _reasons = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _warnings = new(StringComparer.Ordinal);
    private long _staged;

    public long Read { get; private set; }
    public long Quarantined { get; private set; }
    public long Accepted { get; private set; }
    public long Duplicates { get; private set; }

    /// <summary>True once de-duplication finished: from then on read = accepted + quarantined + duplicates.</summary>
    public bool Counted { get; private set; }

    /// <summary>The stage the run is in, for the report of a run that fails (zh-CN).</summary>
    public string Stage { get; set; } = "读取";

    public IReadOnlyDictionary<string, long> FieldIssues { get; set; } = new Dictionary<string, long>();

    public List<string> ConnectorWarnings { get; } = [];

    public HashSet<string> ConnectorWarningCodes { get; } = new(StringComparer.Ordinal);

    public long KeyConflicts { get; private set; }

    public void AddConnectorWarning(ConnectorWarning warning)
    {
        ConnectorWarningCodes.Add(warning.Code);
        ConnectorWarnings.Add($"[{warning.Code}] {warning.Message}（{warning.Where}）");
    }

    /// <summary>Records the source reported as deleted and whose key was valid (the others are quarantined).</summary>
    public long DeletionsRead { get; private set; }

    public StageResult? Staged { get; private set; }

    public bool Incremental { get; set; }

    /// <summary>For a quarantine reprocess: the run whose quarantined rows were retried.</summary>
    public string? ReprocessOf { get; set; }

    public SchemaDrift? Drift { get; set; }

    public IReadOnlyList<ColumnInfo>? SourceColumns { get; set; }

    public string? RawFile { get; set; }

    public IReadOnlyList<string>? SourceNotes { get; set; }

    public int Attempts { get; set; } = 1;

    /// <summary>Seconds per stage of this attempt (null: not timed).</summary>
    public RunTimings? Timings { get; set; }

    public IReadOnlyList<string> RetriedFailures { get; set; } = [];

    public RunCounts Counts => new(Read, Accepted, Quarantined, Duplicates);

    /// <summary>A prepared batch's counts (<see cref="BatchCounts"/>), added in read order.</summary>
    public void Add(BatchCounts batch)
    {
        Read += batch.Read;
        DeletionsRead += batch.Deletions;
        _staged += batch.Staged;
        Quarantined += batch.Quarantined;
        foreach (var (code, n) in batch.Reasons) _reasons[code] = _reasons.GetValueOrDefault(code) + n;
        foreach (var (code, n) in batch.Warnings) _warnings[code] = _warnings.GetValueOrDefault(code) + n;
    }

    /// <summary>Rows moved from staged to quarantined after reading (e.g. a key conflict found by the stage), under one reason.</summary>
    public void MoveToQuarantine(long rows, string reason)
    {
        if (rows == 0) return;
        if (reason == "KEY_CONFLICT") KeyConflicts += rows;
        _staged -= rows;
        Quarantined += rows;
        _reasons[reason] = _reasons.GetValueOrDefault(reason) + rows;
    }

    /// <summary>After de-duplication: staged rows split into the rows kept and the duplicates dropped.</summary>
    public void Finish(StageResult stage)
    {
        if (stage.Rows + stage.Duplicates != _staged) throw new InvalidOperationException("Staged rows do not add up after de-duplication.");
        Accepted = stage.Rows;
        Duplicates = stage.Duplicates;
        Staged = stage;
        Counted = true;
    }

    public RunReport Report(string runId, SourceDefinition source, string status, DateTimeOffset started, DateTimeOffset finished, long? version, string runDirectory) => new()
    {
        RunId = runId,
        SourceId = source.Id,
        Dataset = source.Dataset,
        Status = status,
        StartedAt = started,
        FinishedAt = finished,
        RowsRead = Read,
        Accepted = Accepted,
        Quarantined = Quarantined,
        Duplicates = Duplicates,
        Counted = Counted,
        Stage = Counted && status == "succeeded" ? null : Stage,
        QuarantinedByReason = new Dictionary<string, long>(_reasons),
        FieldIssues = new Dictionary<string, long>(FieldIssues),
        Warnings = new Dictionary<string, long>(_warnings),
        ConnectorWarnings = ConnectorWarnings.ToArray(),
        KeyConflicts = KeyConflicts,
        NotSupplied = source.Fields.Where(f => f.NotSupplied).Select(f => f.Field).ToArray(),
        Version = version,
        Mode = ReprocessOf is not null ? "reprocess" : Incremental ? "incremental" : "full",
        ReprocessOf = ReprocessOf,
        DeletionsRead = DeletionsRead,
        Inserted = Staged?.Inserted,
        Updated = Staged?.Updated,
        Deleted = Staged?.Deleted,
        VersionRows = Staged?.VersionRows,
        SourceColumns = SourceColumns,
        SchemaDrift = Drift is { IsEmpty: false } ? Drift : null,
        RawFile = RawFile,
        SourceNotes = SourceNotes is { Count: > 0 } ? SourceNotes : null,
        Attempts = Attempts,
        Timings = Timings?.Snapshot(),
        CpuTimings = Timings?.CpuSnapshot(),
        RetriedFailures = RetriedFailures.Count == 0 ? null : RetriedFailures,
        QuarantineFile = File.Exists(Path.Combine(runDirectory, "quarantine.parquet")) ? Path.Combine(runDirectory, "quarantine.parquet") : null,
        FieldIssueFile = File.Exists(Path.Combine(runDirectory, "field_issues.parquet")) ? Path.Combine(runDirectory, "field_issues.parquet") : null,
    };
}
