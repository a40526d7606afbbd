using DataHub.Serving.Feed;

namespace DataHub.Serving;

/// <summary>
/// The answer to a <see cref="FeedRequest"/>: status and headers are final when
/// <see cref="ODataFeedService.HandleAsync"/> returns; the body follows through
/// <see cref="WriteBodyAsync"/> (async writes only; a page was serialised on a query worker into
/// pooled memory). Dispose it in every case: a page holds its buffer and an admission slot until its
/// body is written or it is disposed.
/// </summary>
public sealed class FeedResult : IAsyncDisposable
{
    private readonly FeedBody body;
    private readonly OutcomeState outcome;
    private readonly IDisposable? lease;
    private int started;

    /// <param name="lease">The admission slot this request holds until its body is sent or it is disposed.</param>
    internal FeedResult(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, FeedBody body, OutcomeState outcome, IDisposable? lease = null)
    {
        StatusCode = statusCode;
        Headers = headers;
        this.body = body;
        this.outcome = outcome;
        this.lease = lease;
    }

    /// <summary>Where the time before the body went.</summary>
    public FeedTimings Timings => outcome.Timings;

    public int StatusCode { get; }

    /// <summary>Every response header to send, among them exactly one <c>OData-Version: 4.0</c> and the <c>Content-Type</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public string ContentType => Headers.First(h => h.Key == "Content-Type").Value;

    /// <summary>
    /// The body's length in bytes when it is already in memory (pages, counts, errors, documents), so
    /// the host can send Content-Length: no chunked framing, and a client reads the page into one
    /// buffer of the right size. Null for bodies produced while they are sent (downloads).
    /// </summary>
    public long? BodyLength => body.Length;

    /// <summary>The audit record; complete after <see cref="WriteBodyAsync"/> has finished.</summary>
    public FeedOutcome Outcome => outcome.Snapshot(StatusCode);

    /// <summary>
    /// Writes the body once. If it throws, part of a 200 answer may already have been sent: the host
    /// should abort the connection so the client sees a failed request rather than a short page.
    /// </summary>
    public async Task WriteBodyAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref started, 1) != 0) throw new InvalidOperationException("The body has already been written.");
        try
        {
            outcome.RowsReturned = await body.WriteAsync(stream, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome.ErrorCode = "CANCELLED";
            throw;
        }
        catch (Exception ex)
        {
            outcome.ErrorCode = "BODY_FAILED";
            outcome.Failure = Diagnostics.Describe(ex);
            throw;
        }
        finally
        {
            // Release the page buffer and the admission slot now rather than when the host gets round to disposing.
            await body.DisposeAsync();
            lease?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await body.DisposeAsync();
        lease?.Dispose();
    }
}
