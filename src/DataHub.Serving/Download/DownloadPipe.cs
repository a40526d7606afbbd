using System.Buffers;
using System.Threading.Channels;

namespace DataHub.Serving.Download;

/// <summary>
/// The bounded hand-over between a download worker, which produces a file's bytes synchronously
/// (CsvHelper, Arrow's writer) through <see cref="Writer"/>, and the request, which sends them
/// asynchronously: at most <see cref="Capacity"/> chunks of 64 KiB (rented from the array pool) wait
/// at once, and the worker blocks when they do, so a download's memory stays bounded whatever its
/// size and however slowly its client reads. <see cref="Started"/> completes when the worker has run
/// the statement and read its first rows, so a failure up to then is still an error answer.
/// Stopping the pipe (the body disposed, the client gone) cancels the worker's token.
/// </summary>
internal sealed class DownloadPipe : IDisposable
{
    public const int ChunkBytes = 64 * 1024;
    public const int Capacity = 4;

    private readonly Channel<(byte[] Chunk, int Length)> channel = Channel.CreateBounded<(byte[], int)>(
        new BoundedChannelOptions(Capacity) { SingleReader = false, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource stop = new();
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DownloadPipe() => Writer = new PipeWriterStream(this);

    /// <summary>Fires when the request side stops the download.</summary>
    public CancellationToken Stopping => stop.Token;

    public Task Started => started.Task;

    /// <summary>The stream the worker writes the file into (synchronous writes; blocks while the pipe is full).</summary>
    public Stream Writer { get; }

    /// <summary>Called by the worker once the statement has run and its first rows have been read.</summary>
    public void MarkStarted() => started.TrySetResult();

    /// <summary>Called by the worker when it is done, successfully or not: flushes the last chunk (on success) and ends the stream.</summary>
    public void Complete(bool success, CancellationToken cancellationToken)
    {
        try
        {
            if (success) ((PipeWriterStream)Writer).Push(cancellationToken);
        }
        finally
        {
            Writer.Dispose();
            channel.Writer.TryComplete();
        }
    }

    /// <summary>Copies every chunk to <paramref name="stream"/> until the worker completes the pipe.</summary>
    public async Task CopyToAsync(Stream stream, CancellationToken cancellationToken)
    {
        while (await channel.Reader.WaitToReadAsync(cancellationToken))
        {
            while (channel.Reader.TryRead(out var item))
            {
                try
                {
                    await stream.WriteAsync(item.Chunk.AsMemory(0, item.Length), cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(item.Chunk);
                }
            }
        }
    }

    /// <summary>Stops the worker (its token fires, a blocked write throws) and returns waiting chunks to the pool.</summary>
    public void Stop()
    {
        stop.Cancel();
        while (channel.Reader.TryRead(out var item)) ArrayPool<byte>.Shared.Return(item.Chunk);
    }

    // The stop source has no timer or wait handle, so it needs no disposal; cancelling it late is harmless.
    public void Dispose() => Stop();

    private void Send(byte[] chunk, int length, CancellationToken cancellationToken)
    {
        // On a dedicated download worker: blocking here is what bounds the memory.
        if (cancellationToken.IsCancellationRequested)
        {
            ArrayPool<byte>.Shared.Return(chunk);
            cancellationToken.ThrowIfCancellationRequested();
        }
        while (!channel.Writer.TryWrite((chunk, length)))
        {
            if (!channel.Writer.WaitToWriteAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                ArrayPool<byte>.Shared.Return(chunk);
                throw new OperationCanceledException("The download was stopped.");
            }
        }
    }

    /// <summary>Fills one rented chunk at a time and hands it over when full.</summary>
    private sealed class PipeWriterStream(DownloadPipe pipe) : Stream
    {
        private byte[]? chunk;
        private int used;

        /// <summary>The token of the worker's current write; set by <see cref="DownloadPipe.Bind"/>.</summary>
        public CancellationToken Token { get; set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> source)
        {
            while (!source.IsEmpty)
            {
                chunk ??= ArrayPool<byte>.Shared.Rent(ChunkBytes);
                var n = Math.Min(ChunkBytes - used, source.Length);
                source[..n].CopyTo(chunk.AsSpan(used));
                used += n;
                source = source[n..];
                if (used == ChunkBytes) Push(Token);
            }
        }

        public override void WriteByte(byte value) => Write([value]);

        // Chunks go out when full (or at the end), not on every flush of the writers above.
        public override void Flush()
        {
        }

        public void Push(CancellationToken cancellationToken)
        {
            if (chunk is null || used == 0) return;
            var full = chunk;
            var length = used;
            chunk = null;
            used = 0;
            pipe.Send(full, length, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (chunk is not null) ArrayPool<byte>.Shared.Return(chunk);
            chunk = null;
            base.Dispose(disposing);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Sets the token the worker's writes observe (the work's token: caller, stop and time budget).</summary>
    public void Bind(CancellationToken cancellationToken) => ((PipeWriterStream)Writer).Token = cancellationToken;
}
