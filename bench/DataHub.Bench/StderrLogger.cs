using Microsoft.Extensions.Logging;

namespace DataHub.Bench;

/// <summary>
/// Warnings and errors of a probe's engine on stderr, with their exception: a pipeline run that fails
/// inside the harness otherwise shows only its zh-CN report ("平台内部错误（DuckDBException）"), and the
/// engineer's message (DuckDB's own text) goes to a log that the deleted work folder takes with it.
/// The harness works on simulated data only, so the messages hold no one's personal values.
/// </summary>
internal sealed class StderrLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            Console.Error.WriteLine($"[probe {logLevel}] {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
        }
    }
}
