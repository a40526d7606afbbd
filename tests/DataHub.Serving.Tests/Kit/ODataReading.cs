using System.Text;
using System.Xml;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;

namespace DataHub.Serving.Tests.Kit;

/// <summary>Reads responses strictly with Microsoft.OData, as Power Query's newer connector does: the model from $metadata, feeds with ODataMessageReader.</summary>
public static class ODataReading
{
    public static IEdmModel Model(FeedResponse metadata)
    {
        using var reader = XmlReader.Create(new MemoryStream(metadata.BodyBytes));
        return CsdlReader.Parse(reader);
    }

    public static async Task<(List<ODataResource> Rows, ODataResourceSet Set)> ReadFeedAsync(IEdmModel model, string entitySet, FeedResponse page, Uri root, Action<ODataMessageReaderSettings>? configure = null)
    {
        var message = new ReadMessage(page);
        var settings = new ODataMessageReaderSettings { BaseUri = root, EnableMessageStreamDisposal = true };
        configure?.Invoke(settings);
        using var messageReader = new ODataMessageReader((IODataResponseMessageAsync)message, settings, model);
        var set = model.EntityContainer.FindEntitySet(entitySet);
        var reader = await messageReader.CreateODataResourceSetReaderAsync(set, set.EntityType);
        var rows = new List<ODataResource>();
        ODataResourceSet? resourceSet = null;
        while (await reader.ReadAsync())
        {
            if (reader.State == ODataReaderState.ResourceEnd) rows.Add((ODataResource)reader.Item);
            if (reader.State == ODataReaderState.ResourceSetEnd) resourceSet = (ODataResourceSet)reader.Item;
        }
        return (rows, resourceSet!);
    }

    public static object? Value(ODataResource resource, string property) =>
        resource.Properties.OfType<ODataProperty>().Single(p => p.Name == property).Value;

    private sealed class ReadMessage(FeedResponse response) : IODataResponseMessageAsync
    {
        public IEnumerable<KeyValuePair<string, string>> Headers => response.Headers;

        public int StatusCode { get; set; } = response.Status;

        public string GetHeader(string headerName) => response.Header(headerName)!;

        public void SetHeader(string headerName, string headerValue) => throw new NotSupportedException();

        public Stream GetStream() => new MemoryStream(response.BodyBytes);

        public Task<Stream> GetStreamAsync() => Task.FromResult<Stream>(new MemoryStream(response.BodyBytes));
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
