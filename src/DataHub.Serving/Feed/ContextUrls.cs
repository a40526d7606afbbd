using System.Collections.Concurrent;
using System.Text.Json;
using DataHub.Serving.Query;
using Microsoft.OData;

namespace DataHub.Serving.Feed;

/// <summary>
/// The <c>@odata.context</c> of a page, exactly as Microsoft.OData builds it (the select list in its
/// order and escaping): computed once per model, service root and <c>$select</c> by writing an empty
/// resource set with the library's own writer, then cached. Rows are written without the library
/// (<see cref="JsonPageWriter"/>), the envelope's one subtle string is still the library's.
/// </summary>
internal sealed class ContextUrls
{
    private const int MaxEntries = 1024;
    private readonly ConcurrentDictionary<(object Model, string Root, string? Select), string> cache = new();

    public string For(FeedQuery query, Uri serviceRoot, string? rawSelect)
    {
        var key = ((object)query.Model, serviceRoot.AbsoluteUri, rawSelect);
        if (cache.TryGetValue(key, out var url)) return url;
        if (cache.Count > MaxEntries) cache.Clear();
        return cache[key] = Build(query, serviceRoot);
    }

    private static string Build(FeedQuery query, Uri serviceRoot)
    {
        var model = query.Model;
        var settings = ResponseHeaders.WriterSettings(serviceRoot, new ODataUri
        {
            ServiceRoot = serviceRoot,
            Path = query.Path,
            SelectAndExpand = query.SelectClause,
        });
        using var stream = new MemoryStream();
        using (var messageWriter = new ODataMessageWriter((IODataResponseMessage)new SyncMessage(stream), settings, model.Model))
        {
            var writer = messageWriter.CreateODataResourceSetWriter(model.Set, model.Set.EntityType);
            writer.WriteStart(new ODataResourceSet());
            writer.WriteEnd();
            writer.Flush();
        }
        using var doc = JsonDocument.Parse(stream.ToArray());
        return doc.RootElement.GetProperty("@odata.context").GetString()!;
    }

    private sealed class SyncMessage(Stream stream) : IODataResponseMessage
    {
        private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);

        public IEnumerable<KeyValuePair<string, string>> Headers => headers;

        public int StatusCode { get; set; } = 200;

        public string GetHeader(string headerName) => headers.GetValueOrDefault(headerName)!;

        public void SetHeader(string headerName, string headerValue) => headers[headerName] = headerValue;

        public Stream GetStream() => stream;
    }
}
