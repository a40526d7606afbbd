namespace DataHub.Catalog.Runs;

public static class RunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Stopped by a publish guard: nothing published until a steward approves or rejects it.</summary>
    public const string Held = "held";

    /// <summary>A held run a steward discarded.</summary>
    public const string Rejected = "rejected";

    /// <summary>The input had not changed since the current part: nothing new was published.</summary>
    public const string Unchanged = "unchanged";
}

/// <summary>Why a run failed, as the run history records it: what may help next.</summary>
public static class RunFailureKinds
{
    /// <summary>A person must change a file or setting; retrying does not help.</summary>
    public const string Config = "config";

    /// <summary>The export itself is bad; retrying the same export does not help.</summary>
    public const string Data = "data";

    /// <summary>May pass on retry (source unreachable, dataset busy, cancelled).</summary>
    public const string Transient = "transient";

    /// <summary>Ours to fix (a defect, a full disk).</summary>
    public const string System = "system";

    /// <summary>The process running it died (killed, crashed, power lost); the scheduled run is retried.</summary>
    public const string Interrupted = "interrupted";
}

/// <summary>A run as the run history shows it; <see cref="ReportJson"/> is the full run report.</summary>
public sealed record RunEntry(
    string Id,
    string SourceId,
    string Dataset,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Status,
    long? RowsRead,
    long? RowsAccepted,
    long? RowsQuarantined,
    long? RowsDuplicates,
    long? Version,
    string? ReportJson,
    string? ErrorCode,
    string? ErrorMessage)
{
    /// <summary>One of <see cref="RunFailureKinds"/> for a failed run (null for runs recorded before kinds were kept).</summary>
    public string? FailureKind { get; init; }

    /// <summary>The process that ran it (machine:pid).</summary>
    public string? Node { get; init; }
}

/// <summary>The counts a finished run records; read = accepted + quarantined + duplicates.</summary>
public sealed record RunCounts(long Read, long Accepted, long Quarantined, long Duplicates);

/// <summary>
/// Everything the publish transaction switches at once. <c>Derived</c>: a dataset the platform
/// computes (the quality dataset), published on behalf of <c>RunId</c> without finishing that run.
/// </summary>
public sealed record PublishRequest(
    string RunId,
    string Dataset,
    long Version,
    string Directory,
    IReadOnlyList<string> Files,
    long RowCount,
    string SchemaVersion,
    RunCounts Counts,
    string ReportJson,
    string SourceId,
    string? ConnectorStateJson,
    IReadOnlyList<VersionPart>? Parts = null,
    IReadOnlyList<QualityFigure>? Quality = null,
    string? Actor = null,
    bool Derived = false,
    IReadOnlyList<LineageInput>? Inputs = null);

/// <summary>One input of a derived version: which version of which dataset, published by which run.</summary>
public sealed record LineageInput(string Dataset, long Version, string RunId);

/// <summary>
/// One source's part of a published version: its file, rows, the rows its run read and the hash of
/// that run's input (definition and content), so an unchanged input can be recognised.
/// </summary>
public sealed record VersionPart(string SourceId, string File, long RowCount, long RowsRead, string ContentHash, string RunId);

/// <summary>
/// One quality figure of a version: a metric of a field (or <c>*</c> for the whole row) in one
/// community (or <c>*</c> for the whole dataset). <c>Value = Numerator / Denominator</c>.
/// </summary>
public sealed record QualityFigure(string CommunityCode, string Field, string Metric, double Value, long Numerator, long Denominator);
