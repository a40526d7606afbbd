using System.Collections.Concurrent;
using System.Diagnostics;

namespace DataHub.Serving.Engine;

/// <summary>
/// A bounded queue and the dedicated worker threads that drain it, each with its own long-lived
/// <see cref="QuerySession"/>. The engine has two: query workers (pages, counts, key lookups,
/// <c>$apply</c>) and download workers, so a download that holds its worker while its client reads
/// never takes a worker from the pages.
/// </summary>
internal sealed class WorkerLane
{
    private readonly BlockingCollection<QueryWork> queue;
    private readonly QueryWorker[] workers;
    private readonly TimeSpan budget;
    private readonly TimeSpan queueTimeout;
    private int running;

    public WorkerLane(DuckDbEngine engine, string name, int workerCount, int capacity, TimeSpan budget, TimeSpan queueTimeout)
    {
        this.budget = budget;
        this.queueTimeout = queueTimeout;
        queue = new BlockingCollection<QueryWork>(new ConcurrentQueue<QueryWork>(), capacity);
        workers = new QueryWorker[workerCount];
        for (var i = 0; i < workers.Length; i++) workers[i] = new QueryWorker(engine, this, name, i);
    }

    public int Queued => queue.Count;

    public int Running => Volatile.Read(ref running);

    /// <summary>Queues the work; false when the queue is full. The caller serialises this with <see cref="CompleteAdding"/>.</summary>
    public bool TryAdd(QueryWork work) => queue.TryAdd(work);

    public void CompleteAdding() => queue.CompleteAdding();

    /// <summary>Waits for the workers to finish the queue and close their sessions, then frees the queue.</summary>
    public void Join()
    {
        foreach (var worker in workers) worker.Join();
        queue.Dispose();
    }

    public void Loop(QuerySession session)
    {
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
                if (!item.Run(session, budget)) session.Reset();
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }
    }
}
