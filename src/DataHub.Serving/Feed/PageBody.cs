namespace DataHub.Serving.Feed;

/// <summary>
/// One page, already serialised on a query worker into pooled memory (bounded by the page size and
/// <see cref="ServingOptions.MaxPageBytes"/>); sending it needs no DuckDB connection, so a client
/// that reads slowly holds only its own buffer, never a connection or a worker.
/// </summary>
internal sealed class PageBody(PooledBuffer buffer, long rows) : FeedBody
{
    private int disposed;

    public long Bytes => buffer.Length;

    public override long? Length => buffer.Length;

    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        await buffer.WriteToAsync(stream, cancellationToken);
        return rows;
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) buffer.Dispose();
        return ValueTask.CompletedTask;
    }
}
