using DataHub.Host.Composition;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;

namespace DataHub.Host.Jobs;

/// <summary>
/// Where Hangfire keeps jobs: embedded SQLite in the data folder (one folder holds everything,
/// persistent across restarts), or PostgreSQL (schema <c>hangfire</c>) when several nodes share
/// the work. The same storage backs the server, the dashboard and <c>datahub runs start</c>.
/// </summary>
internal static class JobStorageFactory
{
    public static JobStorage Create(DataDirectory data, JobsOptions options)
    {
        if (options.Postgres is { Length: > 0 } postgres)
        {
            var pg = new PostgreSqlStorageOptions
            {
                QueuePollInterval = options.QueuePollInterval,
                PrepareSchemaIfNecessary = true,
                SchemaName = "hangfire",
                InvisibilityTimeout = TimeSpan.FromHours(3),
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(postgres, pg), pg);
        }
        return new SQLiteStorage(data.JobsPath, new SQLiteStorageOptions { QueuePollInterval = options.QueuePollInterval });
    }
}
