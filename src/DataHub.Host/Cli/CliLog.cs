namespace DataHub.Host.Cli;

/// <summary>CLI log events (ids 3100-3199).</summary>
internal static partial class CliLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "Command {Verb} failed with an internal error")]
    public static partial void InternalError(ILogger logger, Exception exception, string verb);
}
