using Microsoft.OData;

namespace DataHub.Serving.Feed;

/// <summary>
/// A write-only stream into a <see cref="PooledBuffer"/>, so Microsoft.OData's synchronous writer can
/// serialise a body on a query worker (where blocking is fine) into pooled memory; the request thread
/// then sends it asynchronously.
/// </summary>
internal sealed class BufferStream(PooledBuffer buffer) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => buffer.Length;

    public override long Position { get => buffer.Length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            var target = buffer.GetSpan(1);
            var n = Math.Min(target.Length, source.Length);
            source[..n].CopyTo(target);
            buffer.Advance(n);
            source = source[n..];
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>The synchronous counterpart of <see cref="ODataResponseMessage"/>, for writing into a <see cref="BufferStream"/> on a query worker.</summary>
internal sealed class BufferedResponseMessage(Stream stream) : IODataResponseMessage
{
    private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<KeyValuePair<string, string>> Headers => headers;

    public int StatusCode { get; set; } = 200;

    public string GetHeader(string headerName) => headers.GetValueOrDefault(headerName)!;

    public void SetHeader(string headerName, string headerValue) => headers[headerName] = headerValue;

    public Stream GetStream() => stream;
}
