using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DataHub.Core.Failures;
using DuckDB.NET.Data;

namespace DataHub.Serving.Engine;

/// <summary>
/// One in-memory DuckDB database for the process, its settings applied once (<c>SET GLOBAL</c>), and
/// a fixed set of query workers: dedicated threads, each with one long-lived connection and its own
/// prepared statements, fed from one bounded queue. DuckDB.NET runs synchronously, so keeping its
/// work on these threads leaves the thread pool (HTTP, health checks) free under any feed load.
/// Register it as a singleton; disposing it stops the workers and closes the database.
/// </summary>
public sealed class DuckDbEngine : IDisposable
{
    private readonly DuckDBConnection root;
    private readonly BlockingCollection<QueryWork> queue;
    private readonly QueryWorker[] workers;
    private readonly ServingOptions options;
    private readonly Lock gate = new();
    private int running;
    private bool disposed;

    /// <summary>Opens the database, checks the settings and starts the workers; throws a config <see cref="DataHubException"/> if DuckDB refuses the settings.</summary>
    public DuckDbEngine(ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        root = new DuckDBConnection("DataSource=:memory:");
        try
        {
            root.Open();
            using var command = root.CreateCommand();
            // Set once for the whole database (GLOBAL), never per request: re-running SET on every
            // connection roughly doubled the cost of the queries after it. Extensions are never
            // fetched from the network at query time (STACK.md); memory_limit and threads bound what
            // the service may take; Parquet footers stay cached because paging re-reads the same
            // files page after page; UTC makes year()/hour()/date() of a TIMESTAMPTZ answer in the
            // offset the feed writes.
            command.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"SET GLOBAL autoinstall_known_extensions=false; SET GLOBAL autoload_known_extensions=false; SET GLOBAL memory_limit='{options.MemoryLimit}'; SET GLOBAL threads={options.Threads}; SET GLOBAL parquet_metadata_cache=true; SET GLOBAL TimeZone='UTC';");
            command.ExecuteNonQuery();
        }
        catch (DuckDBException ex)
        {
            root.Dispose();
            throw new DataHubException(FailureKind.Config, "SERVING_OPTIONS_INVALID", "DuckDB 拒绝了服务配置（内存上限或线程数）。", where: "ServingOptions", inner: ex);
        }
        queue = new BlockingCollection<QueryWork>(new ConcurrentQueue<QueryWork>(), options.MaxQueuedQueries);
        workers = new QueryWorker[options.QueryWorkers];
        for (var i = 0; i < workers.Length; i++) workers[i] = new QueryWorker(this, i);
    }

    /// <summary>Queries waiting for a worker.</summary>
    public int Queued => queue.Count;

    /// <summary>Queries a worker is executing now.</summary>
    public int Running => Volatile.Read(ref running);

    /// <summary>A new open connection to the shared database (settings are global). The caller disposes it. For tests and the benchmark; requests go through <see cref="RunAsync{T}"/>.</summary>
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
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a query worker and completes with its result. The work gets the
    /// worker's session and a token that fires when the caller cancels or the statement budget
    /// (<see cref="ServingOptions.QueryTimeout"/>) runs out; DuckDB is interrupted either way.
    /// Throws <see cref="EngineBusyException"/> when the queue is full or the work waited longer than
    /// <see cref="ServingOptions.QueueTimeout"/>, <see cref="QueryTimeoutException"/> when the budget ran out.
    /// </summary>
    internal Task<T> RunAsync<T>(Func<QuerySession, CancellationToken, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new QueryWork<T>(work, cancellationToken, Stopwatch.GetTimestamp());
        bool added;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            added = queue.TryAdd(item);
        }
        if (!added) throw new EngineBusyException();
        return item.Task;
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            queue.CompleteAdding();
        }
        foreach (var worker in workers) worker.Join();
        queue.Dispose();
        root.Dispose();
    }

    internal void WorkerLoop(QuerySession session)
    {
        var (timeout, queueTimeout) = (options.QueryTimeout, options.QueueTimeout);
        foreach (var item in queue.GetConsumingEnumerable())
        {
            if (Stopwatch.GetElapsedTime(item.Queued) > queueTimeout)
            {
                item.Fail(new EngineBusyException());
                continue;
            }
            Interlocked.Increment(ref running);
            try
            {
                if (!item.Run(session, timeout)) session.Reset();
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }
    }

    internal QuerySession NewSession() => new(this);
}

/// <summary>The engine cannot take more work now (queue full or waited too long): answered 503 with Retry-After.</summary>
internal sealed class EngineBusyException() : Exception("The query queue is full.");

/// <summary>A statement ran past <see cref="ServingOptions.QueryTimeout"/> and was interrupted.</summary>
internal sealed class QueryTimeoutException(Exception inner) : Exception("The query ran past its time budget.", inner);
