using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DuckDB.NET.Data;
using Microsoft.OData;

namespace DataHub.Serving.Feed;

/// <summary>
/// One page of an <c>$apply</c> result: grouped properties under their own names, aggregates as
/// dynamic properties named by their aliases, and the context URL Microsoft.OData derives from the
/// apply clause (<c>$metadata#Population(社区代码,人数)</c>). Written on a query worker with
/// Microsoft.OData's synchronous writer into pooled memory. Like a page the query fetched one row
/// more than the page holds to know whether a nextLink is due; a page that reaches
/// <see cref="ServingOptions.MaxPageBytes"/> ends early with a nextLink (OFFSET paging continues
/// exactly after the rows written).
/// </summary>
internal static class ApplyBody
{
    /// <returns>The number of rows written.</returns>
    public static long Write(PooledBuffer buffer, DuckDBDataReader reader, FeedQuery query, IReadOnlyList<ApplyColumn> columns, long limit, long? count,
        Uri serviceRoot, Func<long, Uri> nextLink, int maxBytes, CancellationToken cancellationToken)
    {
        var model = query.Model;
        var settings = ResponseHeaders.WriterSettings(serviceRoot, new ODataUri { ServiceRoot = serviceRoot, Path = query.Path, Apply = query.Apply });
        // Aggregate aliases are dynamic properties of the result, not declared on the entity type.
        settings.Validations &= ~ValidationKinds.ThrowOnUndeclaredPropertyForNonOpenType;
        using var messageWriter = new ODataMessageWriter(new BufferedResponseMessage(new BufferStream(buffer)), settings, model.Model);
        var writer = messageWriter.CreateODataResourceSetWriter(model.Set, model.Set.EntityType);
        var resourceSet = new ODataResourceSet { Count = count };
        writer.WriteStart(resourceSet);

        var readers = columns.Select(c => ColumnReaders.For(c.Kind)).ToArray();
        long written = 0;
        var more = false;
        while (reader.Read())
        {
            if (written == limit || buffer.Length >= maxBytes)
            {
                more = true;
                break;
            }
            var properties = new ODataProperty[columns.Count];
            for (var i = 0; i < properties.Length; i++)
            {
                properties[i] = new ODataProperty { Name = columns[i].Property, Value = readers[i](reader, i) };
            }
            writer.WriteStart(new ODataResource { Properties = properties });
            writer.WriteEnd();
            written++;
            if ((written & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        if (more) resourceSet.NextPageLink = nextLink(written);
        writer.WriteEnd();
        writer.Flush();
        return written;
    }
}
