using DataHub.Serving.Model;
using Microsoft.OData;

namespace DataHub.Serving.Feed;

/// <summary>The service document: one entry per entity set, titled with the dataset's zh-CN title.</summary>
internal sealed class ServiceDocumentBody(ServiceModel model, Uri serviceRoot) : FeedBody
{
    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var document = new ODataServiceDocument
        {
            EntitySets = model.Sets.Select(s => new ODataEntitySetInfo
            {
                Name = s.Set.Name,
                Title = s.Dataset.Schema.Title,
                Url = new Uri(s.Set.Name, UriKind.Relative),
            }).ToArray(),
        };
        await using var writer = new ODataMessageWriter((IODataResponseMessageAsync)new ODataResponseMessage(stream), ResponseHeaders.WriterSettings(serviceRoot), model.Model);
        await writer.WriteServiceDocumentAsync(document);
        return 0;
    }
}
