using System.Diagnostics;
using System.Globalization;
using DataHub.Core.Failures;
using DuckDB.NET.Data;

namespace DataHub.Serving.Engine;

/// <summary>
/// One in-memory DuckDB database for the process, its settings applied once (<c>SET GLOBAL</c>), and
/// two fixed sets of workers (query workers, and download workers that may hold their connection while
/// a client reads a download): dedicated threads, each with one long-lived connection and its own
/// prepared statements, fed from a bounded queue per set. DuckDB.NET runs synchronously, so keeping its
/// work on these threads leaves the thread pool (HTTP, health checks) free under any feed load.
/// Register it as a singleton; disposing it stops the workers and closes the database.
/// </summary>
public sealed class DuckDbEngine : IDisposable
{
    private readonly DuckDBConnection root;
    private readonly WorkerLane queries;
    private readonly WorkerLane downloads;
    private readonly WorkerLane sorts;
    private readonly Lock gate = new();
    private bool disposed;

    /// <summary>Opens the database, checks the settings and starts the workers; throws a config <see cref="DataHubException"/> if DuckDB refuses the settings.</summary>
    public DuckDbEngine(ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        WorkerNice = options.WorkerNice;
        root = new DuckDBConnection("DataSource=:memory:");
        try
        {
            // DuckDB starts its own threads when the database opens and when threads is set: from a
            // thread of lowered priority, so they inherit it (see WorkerPriority).
            WorkerPriority.RunLowered(options.WorkerNice, () => Configure(options));
        }
        catch (DuckDBException ex)
        {
            root.Dispose();
            throw new DataHubException(FailureKind.Config, "SERVING_OPTIONS_INVALID", "DuckDB 拒绝了服务配置（内存上限或线程数）。", where: "ServingOptions", inner: ex);
        }
        queries = new WorkerLane(this, "worker", options.QueryWorkers, options.MaxQueuedQueries, options.QueryTimeout, options.QueueTimeout);
        // The download gate admits at most MaxConcurrentDownloads, one worker each: nothing waits long in this queue.
        downloads = new WorkerLane(this, "download", options.MaxConcurrentDownloads, options.MaxConcurrentDownloads, options.DownloadTimeout, options.QueueTimeout);
        // Sorted copies are built one at a time on a worker of their own, so a build (seconds to
        // minutes) never holds a query worker; a few may wait for it, however long it takes.
        sorts = new WorkerLane(this, "sort", 1, 8, options.SortedCopyTimeout, options.SortedCopyTimeout * 8);
        SortedCopies = new SortedCopies(this, options);
    }

    /// <summary>Nice value the workers add to their own on Linux (<see cref="ServingOptions.WorkerNice"/>).</summary>
    internal int WorkerNice { get; }

    private void Configure(ServingOptions options)
    {
        root.Open();
        using var command = root.CreateCommand();
        // Set once for the whole database (GLOBAL), never per request: re-running SET on every
        // connection roughly doubled the cost of the queries after it. Extensions are never
        // fetched from the network at query time (STACK.md); memory_limit and threads bound what
        // the service may take; Parquet footers stay cached because paging re-reads the same
        // files page after page; UTC makes year()/hour()/date() of a TIMESTAMPTZ answer in the
        // offset the feed writes; insertion order is preserved (DuckDB's default, stated because
        // pages over presorted files rely on it: a LIMIT without ORDER BY returns the first rows in file order).
        command.CommandText = string.Create(CultureInfo.InvariantCulture,
            $"SET GLOBAL autoinstall_known_extensions=false; SET GLOBAL autoload_known_extensions=false; SET GLOBAL memory_limit='{options.MemoryLimit}'; SET GLOBAL threads={options.Threads}; SET GLOBAL parquet_metadata_cache=true; SET GLOBAL TimeZone='UTC'; SET GLOBAL preserve_insertion_order=true;");
        command.ExecuteNonQuery();
    }

    /// <summary>Queries waiting for a worker.</summary>
    public int Queued => queries.Queued;

    /// <summary>Queries a worker is executing now.</summary>
    public int Running => queries.Running;

    /// <summary>Downloads a download worker is executing (or streaming) now.</summary>
    public int DownloadsRunning => downloads.Running;

    /// <summary>
    /// Completes when the background work queued so far on the sort worker (sorted copies, lake-order
    /// checks and their scope slices) has finished: for the benchmark, which times pages as a node
    /// serves them once a version has been prepared.
    /// </summary>
    public Task WhenBackgroundWorkIdle() => SortedCopies.WhenIdle();

    /// <summary>Copies of dataset versions sorted in the <c>$orderby</c> wide scopes ask for.</summary>
    internal SortedCopies SortedCopies { get; }

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
    internal Task<T> RunAsync<T>(Func<QuerySession, CancellationToken, T> work, CancellationToken cancellationToken) =>
        Enqueue(queries, work, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{T}"/> on a download worker, with the download budget
    /// (<see cref="ServingOptions.DownloadTimeout"/>): the work may block while its client reads.
    /// </summary>
    internal Task<T> RunDownloadAsync<T>(Func<QuerySession, CancellationToken, T> work, CancellationToken cancellationToken) =>
        Enqueue(downloads, work, cancellationToken);

    /// <summary>As <see cref="RunAsync{T}"/> on the sort worker (building sorted copies), with <see cref="ServingOptions.SortedCopyTimeout"/>.</summary>
    internal Task<T> RunSortAsync<T>(Func<QuerySession, CancellationToken, T> work, CancellationToken cancellationToken) =>
        Enqueue(sorts, work, cancellationToken);

    private Task<T> Enqueue<T>(WorkerLane lane, Func<QuerySession, CancellationToken, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var item = new QueryWork<T>(work, cancellationToken, Stopwatch.GetTimestamp());
        bool added;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            added = lane.TryAdd(item);
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
            queries.CompleteAdding();
            downloads.CompleteAdding();
            sorts.CompleteAdding();
        }
        SortedCopies.Stop();
        queries.Join();
        downloads.Join();
        sorts.Join();
        SortedCopies.Dispose();
        root.Dispose();
    }

    internal QuerySession NewSession() => new(this);
}

/// <summary>The engine cannot take more work now (queue full or waited too long): answered 503 with Retry-After.</summary>
internal sealed class EngineBusyException() : Exception("The query queue is full.");

/// <summary>A statement ran past <see cref="ServingOptions.QueryTimeout"/> and was interrupted.</summary>
internal sealed class QueryTimeoutException(Exception inner) : Exception("The query ran past its time budget.", inner);
