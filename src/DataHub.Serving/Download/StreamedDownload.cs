using System.Diagnostics;
using DataHub.Serving.Engine;
using DataHub.Serving.Feed;

namespace DataHub.Serving.Download;

/// <summary>
/// A download produced on a download worker while it is sent (CSV, Arrow): the worker runs the
/// statement and writes the file into a <see cref="DownloadPipe"/>; the request copies the pipe to
/// the response. The answer starts only once the statement has run and its first rows were read, so
/// a failure until then is an error answer; after that a failure cuts the response (the host aborts
/// the connection). The worker stops when the client goes, the body is disposed, or the download's
/// time budget runs out.
/// </summary>
internal sealed class StreamedDownload : FeedBody
{
    /// <summary>What the worker does: write the file into the pipe, call <see cref="DownloadPipe.MarkStarted"/> once the first rows are read, return the rows written.</summary>
    public delegate long Producer(QuerySession session, DownloadPipe pipe, CancellationToken cancellationToken);

    private readonly DownloadPipe pipe;
    private readonly Task<long> work;
    private int disposed;

    private StreamedDownload(DownloadPipe pipe, Task<long> work)
    {
        this.pipe = pipe;
        this.work = work;
    }

    public static async Task<StreamedDownload> StartAsync(DuckDbEngine engine, OutcomeState outcome, Producer produce, CancellationToken cancellationToken)
    {
        var pipe = new DownloadPipe();
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, pipe.Stopping);
        Task<long> work;
        try
        {
            work = engine.RunDownloadAsync((session, ct) =>
            {
                outcome.Timings.Queue = session.QueueWait.TotalMilliseconds;
                var started = Stopwatch.GetTimestamp();
                pipe.Bind(ct);
                var done = false;
                try
                {
                    var rows = produce(session, pipe, ct);
                    done = true;
                    return rows;
                }
                finally
                {
                    if (!pipe.Started.IsCompleted) outcome.Timings.Execute = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    pipe.Complete(done, ct);
                }
            }, linked.Token);
        }
        catch
        {
            linked.Dispose();
            pipe.Dispose();
            throw;
        }
        // The linked token lives until the worker is done with it; the pipe until the body is disposed.
        _ = work.ContinueWith(_ => linked.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        var body = new StreamedDownload(pipe, work);
        try
        {
            await Task.WhenAny(pipe.Started, work);
            // Failed (or cancelled, or timed out) before the first rows: thrown here, answered as an error.
            if (!pipe.Started.IsCompleted || work.IsFaulted || work.IsCanceled) await work;
            return body;
        }
        catch
        {
            await body.DisposeAsync();
            throw;
        }
    }

    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        await pipe.CopyToAsync(stream, cancellationToken);
        return await work;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        // Stops a worker still producing (DuckDB is interrupted, a blocked write throws) and frees the
        // waiting chunks; the download slot is released only after the worker is free again.
        pipe.Dispose();
        try
        {
            await work;
        }
        catch (Exception)
        {
            // Stopped on purpose, or already reported by WriteAsync or StartAsync.
        }
    }
}
