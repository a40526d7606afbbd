using System.Globalization;
using DataHub.Core.Failures;
using DuckDB.NET.Data;

namespace DataHub.Serving.Engine;

/// <summary>
/// One in-memory DuckDB database for the process, and a fresh connection per query (DuckDB runs
/// queries of different connections in parallel; one connection would serialise them). Register it
/// as a singleton; disposing it closes the database.
/// </summary>
public sealed class DuckDbEngine : IDisposable
{
    private readonly DuckDBConnection root;
    private readonly string sessionSettings;
    private readonly Lock gate = new();
    private bool disposed;

    /// <summary>Opens the database and checks the settings; throws a config <see cref="DataHubException"/> if DuckDB refuses them.</summary>
    public DuckDbEngine(ServingOptions options)
    {
        options.Validate();
        // Extensions must never be fetched from the network at query time (STACK.md): a missing one
        // fails at once. memory_limit and threads bound what the service may take; the time zone
        // makes year()/hour()/date() of a TIMESTAMPTZ answer in UTC, the offset the feed writes.
        sessionSettings = string.Create(CultureInfo.InvariantCulture,
            $"SET autoinstall_known_extensions=false; SET autoload_known_extensions=false; SET memory_limit='{options.MemoryLimit}'; SET threads={options.Threads}; SET TimeZone='UTC';");
        root = new DuckDBConnection("DataSource=:memory:");
        try
        {
            root.Open();
            Apply(root);
            using var command = root.CreateCommand();
            // Paging re-reads the same files page after page: keep their footers in memory.
            command.CommandText = "SET parquet_metadata_cache=true;";
            command.ExecuteNonQuery();
        }
        catch (DuckDBException ex)
        {
            root.Dispose();
            throw new DataHubException(FailureKind.Config, "SERVING_OPTIONS_INVALID", "DuckDB 拒绝了服务配置（内存上限或线程数）。", where: "ServingOptions", inner: ex);
        }
    }

    /// <summary>A new open connection to the shared database with the session settings applied. The caller disposes it.</summary>
    internal DuckDBConnection Open()
    {
        DuckDBConnection connection;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            connection = root.Duplicate();
        }
        try
        {
            connection.Open();
            Apply(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            root.Dispose();
        }
    }

    private void Apply(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sessionSettings;
        command.ExecuteNonQuery();
    }
}
