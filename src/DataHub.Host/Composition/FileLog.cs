using System.Text.Json;

namespace DataHub.Host.Composition;

/// <summary>
/// The log the user is pointed to: <c>DIR/logs/datahub.log</c>, one JSON object per line (time,
/// level, event id and name, category, message, exception), written by every verb and by
/// <c>serve</c> (which also writes to its console). Messages come from [LoggerMessage] templates
/// that carry ids, codes and counts, never row values. At 20 MB the file becomes
/// <c>datahub.1.log</c> (one older file kept).
/// </summary>
internal sealed class FileLogProvider : ILoggerProvider
{
    private const long MaxBytes = 20L * 1024 * 1024;
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    public FileLogProvider(string path, TimeProvider time)
    {
        _path = path;
        _time = time;
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    private void Write(string category, LogLevel level, EventId id, string message, Exception? exception)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("at", _time.GetUtcNow());
            json.WriteString("level", level.ToString());
            json.WriteNumber("eventId", id.Id);
            if (id.Name is not null) json.WriteString("event", id.Name);
            json.WriteString("category", category);
            json.WriteString("message", message);
            if (exception is not null) json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            try
            {
                // Opened per line (log lines are few: a run writes a handful), so no handle outlives a
                // write, another process (a CLI verb beside serve) can append too, and Windows can
                // move or delete the file.
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                if (File.Exists(_path) && new FileInfo(_path).Length > MaxBytes) File.Move(_path, Path.ChangeExtension(_path, ".1.log"), overwrite: true);
                using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
            catch (IOException)
            {
                // A full or unwritable disk must not take the service down with it; serve's console still has the line.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class FileLogger(FileLogProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner.Write(category, logLevel, eventId, formatter(state, exception), exception);
        }
    }
}

/// <summary>
/// Hands the web host's log events to the engine's logger factory as well, so <c>serve</c> writes
/// one log file (the engine's) besides its console. The engine owns the factory.
/// </summary>
internal sealed class EngineLogProvider(ILoggerFactory engineLoggers) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => engineLoggers.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}

/// <summary>The logger factory of a verb: the data folder's log file, Information and above (Microsoft and Hangfire Warning).</summary>
internal static class DataHubLogging
{
    public static ILoggerFactory ForDataFolder(DataDirectory data, TimeProvider time) =>
        LoggerFactory.Create(b => Configure(b, data, time));

    /// <summary>The levels and the file provider, shared by the verbs' factory and the web host's logging.</summary>
    public static void Configure(ILoggingBuilder builder, DataDirectory data, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(data);
        builder.SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning).AddFilter("Hangfire", LogLevel.Warning)
            .AddFilter("System", LogLevel.Warning);
        builder.AddProvider(new FileLogProvider(data.LogPath, time));
    }
}
