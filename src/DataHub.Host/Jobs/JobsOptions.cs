namespace DataHub.Host.Jobs;

/// <summary>Scheduled ingestion (Hangfire): where jobs are stored and when each source runs.</summary>
public sealed class JobsOptions
{
    /// <summary>Run the scheduler and workers in this process (default on for <c>serve</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Hangfire on PostgreSQL (an Npgsql connection string); default: the catalog's PostgreSQL when the catalog is there, else SQLite in the data folder.</summary>
    public string? Postgres { get; set; }

    /// <summary>How often idle workers look for queued jobs (default 2 s; SQLite and PostgreSQL poll).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Concurrent ingestion jobs in this process (default 2; each dataset runs one at a time anyway).</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>Attempts after a transient failure (default 3; config and data failures are never retried).</summary>
    public int RetryAttempts { get; set; } = 3;

    /// <summary>Cron per source id (5 fields, Beijing time), overriding the source file and its update cycle.</summary>
    public Dictionary<string, string> Schedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Time zone of the cron expressions (default Asia/Shanghai).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
}
