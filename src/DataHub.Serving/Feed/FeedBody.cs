namespace DataHub.Serving.Feed;

/// <summary>A response body, written once; it may own resources (an open DuckDB result) until disposed.</summary>
internal abstract class FeedBody : IAsyncDisposable
{
    /// <summary>Writes the body with async I/O only; returns the number of rows written.</summary>
    public abstract Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken);

    /// <summary>Bytes <see cref="WriteAsync"/> will write, when known before writing.</summary>
    public virtual long? Length => null;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A body prepared in memory: errors, <c>$metadata</c>, <c>/$count</c>.</summary>
internal sealed class BytesBody(byte[] bytes) : FeedBody
{
    public override long? Length => bytes.Length;

    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes, cancellationToken);
        return 0;
    }
}
