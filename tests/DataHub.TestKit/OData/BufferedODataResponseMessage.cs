using Microsoft.OData;

namespace DataHub.TestKit.OData;

/// <summary>An HTTP response whose (decompressed) body is buffered, as an OData response message.</summary>
internal sealed class BufferedODataResponseMessage : IODataResponseMessageAsync
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);
    private readonly byte[] _body;

    public BufferedODataResponseMessage(int statusCode, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, byte[] body)
    {
        StatusCode = statusCode;
        _body = body;
        foreach (var (name, values) in headers)
        {
            // Content-Encoding/Length describe the wire form, not the buffered (decompressed) body.
            if (name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            _headers[name] = string.Join(", ", values);
        }
    }

    public IEnumerable<KeyValuePair<string, string>> Headers => _headers;

    public int StatusCode { get; set; }

    public string? GetHeader(string headerName) => _headers.TryGetValue(headerName, out var v) ? v : null;

    public void SetHeader(string headerName, string headerValue) => _headers[headerName] = headerValue;

    public Stream GetStream() => new MemoryStream(_body, writable: false);

    public Task<Stream> GetStreamAsync() => Task.FromResult(GetStream());
}
