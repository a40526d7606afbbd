namespace DataHub.Host.Jobs;

/// <summary>Scheduler log events (ids 2000-2099): source ids, datasets, cron expressions; no row values.</summary>
internal static partial class JobsLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Source {SourceId} scheduled with cron {Cron} ({TimeZone})")]
    public static partial void Scheduled(ILogger logger, string sourceId, string cron, string timeZone);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Source definition not scheduled: {Code} at {Where}")]
    public static partial void NotScheduled(ILogger logger, string code, string? where);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Schedule of source {SourceId} removed (its definition is gone)")]
    public static partial void Unscheduled(ILogger logger, string sourceId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Job for source {SourceId} holds the lock of dataset {Dataset}; running")]
    public static partial void JobRunning(ILogger logger, string sourceId, string dataset);
}
