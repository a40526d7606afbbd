using DataHub.Serving.Engine;

namespace DataHub.Serving.Feed;

/// <summary>
/// A request's DuckDB part, run on a query worker: its statements and the serialisation of their
/// rows into a body that needs no connection to be sent (pooled memory, or a small value).
/// </summary>
internal delegate FeedBody FeedWork(QuerySession session, OutcomeState outcome, CancellationToken cancellationToken);

/// <summary>
/// Runs a <see cref="FeedWork"/> the way every feed request runs (pages, <c>/$count</c>, key
/// lookups, <c>$apply</c>): admitted by the gate (else 503), on a query worker, under the query time
/// budget and the caller's cancellation. The admission slot goes with the result and is released
/// when its body has been sent or it is disposed.
/// </summary>
internal static class AdmittedWork
{
    public static async Task<FeedResult> RunAsync(FeedContext context, FeedWork work, List<KeyValuePair<string, string>> headers, OutcomeState outcome, CancellationToken cancellationToken)
    {
        var lease = context.Gate.TryEnter()
            ?? throw FeedError.Busy("SERVER_BUSY", "服务器繁忙，同时处理的查询已达上限，请稍后重试。", context.Options.RetryAfterSeconds);
        try
        {
            var body = await context.Engine.RunAsync((session, ct) =>
            {
                outcome.Timings.Queue = session.QueueWait.TotalMilliseconds;
                return work(session, outcome, ct);
            }, cancellationToken);
            if (context.Options.ServerTiming) headers.Add(new("Server-Timing", outcome.Timings.ToServerTiming()));
            return new FeedResult(200, headers, body, outcome, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }
}
