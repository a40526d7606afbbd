namespace DataHub.Host.Web;

/// <summary>
/// Web host log events (ids 3000-3099): codes, ids and exceptions of our own code; never a row
/// value, a query's literal values or a credential (a failed login logs no user name).
/// </summary>
internal static partial class WebLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Refreshing the served datasets from the catalog failed; serving the previous snapshot")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Recording a failed login failed")]
    public static partial void FailedLoginNotRecorded(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "The audit record could not be written; refusing to answer")]
    public static partial void AuditNotWritten(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Completing audit record {Id} failed")]
    public static partial void AuditNotCompleted(ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Writing a feed page failed; the connection was aborted")]
    public static partial void PageWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Feed request failed: {Code} {Failure}")]
    public static partial void FeedFailed(ILogger logger, string? code, string failure);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Moving access journal records into the catalog failed; they stay in the journal and are retried")]
    public static partial void AuditJournalMoveFailed(ILogger logger, Exception exception);
}
