namespace DataHub.Catalog.Runs;

public static class RunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
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
    string? ErrorMessage);

/// <summary>The counts a finished run records; read = accepted + quarantined + duplicates.</summary>
public sealed record RunCounts(long Read, long Accepted, long Quarantined, long Duplicates);

/// <summary>Everything the publish transaction switches at once.</summary>
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
    string? ConnectorStateJson);
