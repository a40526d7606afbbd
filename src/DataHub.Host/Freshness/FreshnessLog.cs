namespace DataHub.Host.Freshness;

/// <summary>Freshness log events (ids 2100-2199): dataset names, cycles, times and HTTP status codes; no row values.</summary>
internal static partial class FreshnessLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Dataset {Dataset} is stale: update cycle {UpdateCycle}, last confirmed {ConfirmedAt}, due {DueAt}")]
    public static partial void Stale(ILogger logger, string dataset, string updateCycle, DateTimeOffset? confirmedAt, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Dataset {Dataset} is fresh again: update cycle {UpdateCycle}, last confirmed {ConfirmedAt}")]
    public static partial void FreshAgain(ILogger logger, string dataset, string updateCycle, DateTimeOffset? confirmedAt);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Freshness dataset published as version {Version}")]
    public static partial void Published(ILogger logger, long version);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Freshness check failed; retried at the next check")]
    public static partial void CheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Freshness alert {Event} for dataset {Dataset} delivered to the webhook (attempt {Attempt})")]
    public static partial void Delivered(ILogger logger, string @event, string dataset, int attempt);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Freshness alert {Event} for dataset {Dataset}: webhook attempt {Attempt} of {Attempts} failed ({Reason}); retrying in {Delay}")]
    public static partial void DeliveryRetrying(ILogger logger, string @event, string dataset, int attempt, int attempts, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Error, Message = "Freshness alert {Event} for dataset {Dataset} not delivered after {Attempts} attempts ({Reason}); see the log event 2100 for the alert itself")]
    public static partial void DeliveryGaveUp(ILogger logger, string @event, string dataset, int attempts, string reason);
}
