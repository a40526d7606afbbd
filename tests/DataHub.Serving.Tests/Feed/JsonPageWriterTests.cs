using System.Text.Json;
using System.Text.Json.Nodes;
using DataHub.Core.Access;
using DataHub.Serving.Tests.Kit;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// The direct JSON writer against Microsoft.OData's own: each page is read back strictly
/// (ODataMessageReader with the model from $metadata), written again with ODataMessageWriter
/// (minimal metadata, IEEE754Compatible=false, the request's select clause), and the two documents
/// must be equal as JSON, value by value: same context URL, count, rows, property order and nextLink.
/// </summary>
public sealed class JsonPageWriterTests(TestLake lake) : IClassFixture<TestLake>
{
    [Theory]
    [InlineData("steward", "Housing?$count=true&$top=300")]
    [InlineData("steward", "Housing?$orderby=月租金 desc,建成日期&$top=120")]
    [InlineData("steward", "Population?$top=200")]
    [InlineData("community-a1", "Population?$select=姓名,迁入日期,公民身份号码,民族&$count=true")]
    [InlineData("street-a", "Population?$filter=性别 eq '女'&$orderby=出生日期 desc")]
    public async Task Page_EqualsMicrosoftODataWriterOutput(string who, string relative)
    {
        var principal = Principal(who);
        var metadata = await lake.Client.GetAsync(principal, "$metadata");
        var model = ODataReading.Model(metadata);
        var setName = relative.Split('?', '/')[0];
        var page = await lake.Client.GetAsync(principal, relative, prefer: "odata.maxpagesize=150");
        Assert.Equal(200, page.Status);

        var (rows, set) = await ODataReading.ReadFeedAsync(model, setName, page, lake.Client.Root);
        var reference = await WriteWithODataLibAsync(model, setName, new Uri(lake.Client.Root.AbsoluteUri + relative), rows, set);

        var ours = JsonNode.Parse(page.BodyBytes)!;
        var theirs = JsonNode.Parse(reference)!;
        Assert.True(JsonNode.DeepEquals(ours, theirs), $"ours:   {Head(ours)}\ntheirs: {Head(theirs)}");
        Assert.Equal(
            ours["value"]!.AsArray().Select(r => string.Join(",", r!.AsObject().Select(p => p.Key))),
            theirs["value"]!.AsArray().Select(r => string.Join(",", r!.AsObject().Select(p => p.Key))));
    }

    private static Principal Principal(string who) => who switch
    {
        "steward" => Principals.Steward,
        "street-a" => Principals.StreetWorkerA,
        _ => Principals.CommunityWorkerA1,
    };

    private static string Head(JsonNode node)
    {
        var text = node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return text.Length > 1500 ? text[..1500] : text;
    }

    private async Task<byte[]> WriteWithODataLibAsync(IEdmModel model, string setName, Uri requestUri, List<ODataResource> rows, ODataResourceSet read)
    {
        var entitySet = model.EntityContainer.FindEntitySet(setName);
        var parser = new ODataUriParser(model, lake.Client.Root, requestUri);
        var path = parser.ParsePath();
        var select = parser.ParseSelectAndExpand();
        var settings = new ODataMessageWriterSettings
        {
            Version = ODataVersion.V4,
            BaseUri = lake.Client.Root,
            ODataUri = new ODataUri { ServiceRoot = lake.Client.Root, Path = path, SelectAndExpand = select },
            EnableMessageStreamDisposal = false,
        };
        settings.SetContentType(ODataFormat.Json);
        var message = new Message();
        message.SetHeader("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");
        await using (var writer = new ODataMessageWriter((IODataResponseMessageAsync)message, settings, model))
        {
            var feed = await writer.CreateODataResourceSetWriterAsync(entitySet, entitySet.EntityType);
            var set = new ODataResourceSet { Count = read.Count };
            await feed.WriteStartAsync(set);
            foreach (var row in rows)
            {
                var properties = row.Properties.OfType<ODataProperty>().Select(p => new ODataProperty { Name = p.Name, Value = p.Value }).ToArray();
                await feed.WriteStartAsync(new ODataResource { Properties = properties });
                await feed.WriteEndAsync();
            }
            set.NextPageLink = read.NextPageLink;
            await feed.WriteEndAsync();
            await feed.FlushAsync();
        }
        return message.Body.ToArray();
    }

    private sealed class Message : IODataResponseMessageAsync
    {
        private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);

        public MemoryStream Body { get; } = new();

        public IEnumerable<KeyValuePair<string, string>> Headers => headers;

        public int StatusCode { get; set; } = 200;

        public string GetHeader(string headerName) => headers.GetValueOrDefault(headerName)!;

        public void SetHeader(string headerName, string headerValue) => headers[headerName] = headerValue;

        public Stream GetStream() => Body;

        public Task<Stream> GetStreamAsync() => Task.FromResult<Stream>(Body);
    }
}
