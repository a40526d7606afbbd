using Hangfire.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using MsLevel = Microsoft.Extensions.Logging.LogLevel;

namespace DataHub.Host.Jobs;

/// <summary>
/// Hangfire logs through a process-wide static provider; this one forwards to the newest host's
/// logger factory and drops messages once that host is gone, so a host that stopped (tests start
/// several) never breaks the next one with a disposed factory.
/// </summary>
internal sealed class HangfireLogs : ILogProvider
{
    public static readonly HangfireLogs Instance = new();

    private ILoggerFactory? _factory;

    public void Use(ILoggerFactory factory) => _factory = factory;

    public ILog GetLogger(string name) => new ForwardingLog(this, name);

    private sealed class ForwardingLog(HangfireLogs owner, string name) : ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                var logger = owner._factory?.CreateLogger(name);
                if (logger is null) return false;
                var level = logLevel switch
                {
                    HangfireLevel.Trace => MsLevel.Trace,
                    HangfireLevel.Debug => MsLevel.Debug,
                    HangfireLevel.Info => MsLevel.Information,
                    HangfireLevel.Warn => MsLevel.Warning,
                    HangfireLevel.Error => MsLevel.Error,
                    _ => MsLevel.Critical,
                };
                if (messageFunc is null) return logger.IsEnabled(level);
                if (!logger.IsEnabled(level)) return false;
#pragma warning disable CA1848, CA2254 // Hangfire hands over finished text; there is no template to generate from
                logger.Log(level, exception, messageFunc());
#pragma warning restore CA1848, CA2254
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
