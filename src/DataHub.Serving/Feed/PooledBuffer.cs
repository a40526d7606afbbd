using System.Buffers;

namespace DataHub.Serving.Feed;

/// <summary>
/// A growable byte buffer made of 64 KiB chunks rented from <see cref="ArrayPool{T}.Shared"/>: a page
/// is serialised into it on a query worker (no copying as it grows, no large-object-heap garbage),
/// then sent asynchronously and returned to the pool.
/// </summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly List<byte[]> chunks = [];
    private int usedInLast = ChunkSize;

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (usedInLast + count > chunks[^1].Length) throw new InvalidOperationException("Advanced past the buffer.");
        usedInLast += count;
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => chunks.Count == 0 || Free < Math.Max(sizeHint, 1) ? NewChunk(sizeHint).AsMemory(0) : chunks[^1].AsMemory(usedInLast);

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public async Task WriteToAsync(Stream stream, CancellationToken cancellationToken)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            var length = i == chunks.Count - 1 ? usedInLast : ChunkLength(i);
            await stream.WriteAsync(chunks[i].AsMemory(0, length), cancellationToken);
        }
    }

    public byte[] ToArray()
    {
        var result = new byte[Length];
        var offset = 0;
        for (var i = 0; i < chunks.Count; i++)
        {
            var length = i == chunks.Count - 1 ? usedInLast : ChunkLength(i);
            chunks[i].AsSpan(0, length).CopyTo(result.AsSpan(offset));
            offset += length;
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var chunk in chunks) ArrayPool<byte>.Shared.Return(chunk);
        chunks.Clear();
        lengths.Clear();
    }

    private int Free => chunks[^1].Length - usedInLast;

    private readonly List<int> lengths = [];

    private int ChunkLength(int index) => lengths[index];

    private byte[] NewChunk(int sizeHint)
    {
        if (chunks.Count > 0) lengths.Add(usedInLast);
        var chunk = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkSize, sizeHint));
        chunks.Add(chunk);
        usedInLast = 0;
        return chunk;
    }
}
