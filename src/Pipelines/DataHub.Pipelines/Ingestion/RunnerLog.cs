using DataHub.Core.Failures;
using Microsoft.Extensions.Logging;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// The runner's log events (ids 1000-1099). Only run ids, source ids, codes and counts: never a row
/// value, a name or an ID number (an internal error's exception may quote SQL, never rows, because
/// rows travel as files, not as SQL literals).
/// </summary>
internal static partial class RunnerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Run {RunId} of source {SourceId} started")]
    public static partial void RunStarted(ILogger logger, string runId, string sourceId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Run {RunId} of source {SourceId} published version {Version}: read {Read}, accepted {Accepted}, quarantined {Quarantined}, duplicates {Duplicates}")]
    public static partial void RunSucceeded(ILogger logger, string runId, string sourceId, long version, long read, long accepted, long quarantined, long duplicates);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Run {RunId} of source {SourceId} failed: {Code} ({Kind})")]
    public static partial void RunFailed(ILogger logger, string runId, string sourceId, string code, FailureKind kind);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Run {RunId} of source {SourceId} failed with an internal error ({Code})")]
    public static partial void RunFailedInternal(ILogger logger, Exception exception, string runId, string sourceId, string code);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Run {RunId} failed and its failure could not be recorded in the catalog; the next start-up marks it interrupted")]
    public static partial void FailureNotRecorded(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Run {RunId} was left running by a process that is gone; marked failed (interrupted)")]
    public static partial void RunInterrupted(ILogger logger, string runId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Removed {Count} leftovers of interrupted runs (staging, scratch, uncommitted version folders)")]
    public static partial void LeftoversRemoved(ILogger logger, int count);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Run {RunId} of source {SourceId}: attempt {Attempt} failed transiently ({Code}); retrying")]
    public static partial void RunRetrying(ILogger logger, string runId, string sourceId, int attempt, string code);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Publishing the quality figures after run {RunId} failed; they are served after the next publish")]
    public static partial void QualityNotPublished(ILogger logger, Exception exception, string runId);
}
