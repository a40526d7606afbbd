using System.Diagnostics;
using DuckDB.NET.Data;

namespace DataHub.Serving.Engine;

/// <summary>One queued unit of DuckDB work and the task its caller awaits.</summary>
internal abstract class QueryWork(CancellationToken cancellationToken, long queued)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>When it was queued (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long Queued { get; } = queued;

    /// <summary>Runs the work; false when the session may be unusable afterwards (an unexpected failure).</summary>
    public abstract bool Run(QuerySession session, TimeSpan budget);

    public abstract void Fail(Exception error);
}

internal sealed class QueryWork<T>(Func<QuerySession, CancellationToken, T> work, CancellationToken cancellationToken, long queued)
    : QueryWork(cancellationToken, queued)
{
    // Continuations run on the thread pool, never on the worker thread.
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => completion.Task;

    public override bool Run(QuerySession session, TimeSpan budget)
    {
        if (CancellationToken.IsCancellationRequested)
        {
            completion.TrySetCanceled(CancellationToken);
            return true;
        }
        session.QueueWait = Stopwatch.GetElapsedTime(Queued);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        // Timers resolve milliseconds: a budget under one is spent before the work starts.
        if (budget < TimeSpan.FromMilliseconds(1)) limit.Cancel();
        else limit.CancelAfter(budget);
        try
        {
            completion.TrySetResult(work(session, limit.Token));
            return true;
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            completion.TrySetCanceled(CancellationToken);
            return true;
        }
        catch (OperationCanceledException ex) when (limit.IsCancellationRequested)
        {
            completion.TrySetException(new QueryTimeoutException(ex));
            return true;
        }
        catch (DuckDBException ex) when (limit.IsCancellationRequested && !CancellationToken.IsCancellationRequested)
        {
            completion.TrySetException(new QueryTimeoutException(ex));
            return true;
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
            // A DuckDB error of the query itself leaves the connection usable; anything else: start afresh.
            return ex is DuckDBException || ex is FeedError;
        }
    }

    public override void Fail(Exception error) => completion.TrySetException(error);
}
