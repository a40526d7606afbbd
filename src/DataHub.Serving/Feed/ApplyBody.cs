using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DuckDB.NET.Data;
using Microsoft.OData;

namespace DataHub.Serving.Feed;

/// <summary>
/// One page of an <c>$apply</c> result: grouped properties under their own names, aggregates as
/// dynamic properties named by their aliases, and the context URL Microsoft.OData derives from the
/// apply clause (<c>$metadata#Population(社区代码,人数)</c>). Like <see cref="PageBody"/> the query
/// fetched one row more than the page holds to know whether a nextLink is due.
/// </summary>
internal sealed class ApplyBody(
    FeedQuery query, IReadOnlyList<ApplyColumn> columns, long limit, long? count, Uri serviceRoot, Func<long, Uri> nextLink,
    DuckDBConnection connection, DuckDBCommand command, DuckDBDataReader reader) : FeedBody
{
    private int disposed;

    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var model = query.Model;
        var settings = ResponseHeaders.WriterSettings(serviceRoot, new ODataUri { ServiceRoot = serviceRoot, Path = query.Path, Apply = query.Apply });
        // Aggregate aliases are dynamic properties of the result, not declared on the entity type.
        settings.Validations &= ~ValidationKinds.ThrowOnUndeclaredPropertyForNonOpenType;
        await using var messageWriter = new ODataMessageWriter((IODataResponseMessageAsync)new ODataResponseMessage(stream), settings, model.Model);
        var writer = await messageWriter.CreateODataResourceSetWriterAsync(model.Set, model.Set.EntityType);
        var resourceSet = new ODataResourceSet { Count = count };
        await writer.WriteStartAsync(resourceSet);

        var readers = columns.Select(c => ColumnReaders.For(c.Kind)).ToArray();
        long written = 0;
        var more = false;
        using (cancellationToken.Register(static c => ((DuckDBCommand)c!).Cancel(), command))
        {
            while (reader.Read())
            {
                if (written == limit)
                {
                    more = true;
                    break;
                }
                var properties = new ODataProperty[columns.Count];
                for (var i = 0; i < properties.Length; i++)
                {
                    properties[i] = new ODataProperty { Name = columns[i].Property, Value = readers[i](reader, i) };
                }
                await writer.WriteStartAsync(new ODataResource { Properties = properties });
                await writer.WriteEndAsync();
                written++;
                if ((written & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            }
        }
        if (more) resourceSet.NextPageLink = nextLink(written);
        await writer.WriteEndAsync();
        await writer.FlushAsync();
        return written;
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            reader.Dispose();
            command.Dispose();
            connection.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
