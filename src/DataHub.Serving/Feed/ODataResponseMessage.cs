using Microsoft.OData;

namespace DataHub.Serving.Feed;

/// <summary>
/// The message Microsoft.OData's writer writes into. Headers it sets are not sent: the service
/// decides the headers before the body starts (<see cref="ResponseHeaders"/>) and configures the
/// writer to match. Only the async stream is offered: the host's stream refuses synchronous I/O.
/// </summary>
internal sealed class ODataResponseMessage(Stream stream) : IODataResponseMessageAsync
{
    private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<KeyValuePair<string, string>> Headers => headers;

    public int StatusCode { get; set; } = 200;

    public string GetHeader(string headerName) => headers.GetValueOrDefault(headerName)!;

    public void SetHeader(string headerName, string headerValue) => headers[headerName] = headerValue;

    public Stream GetStream() => throw new InvalidOperationException("Synchronous writes are not allowed; use the async writer APIs.");

    public Task<Stream> GetStreamAsync() => Task.FromResult(stream);
}
