using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DuckDB.NET.Data;
using Microsoft.OData;

namespace DataHub.Serving.Feed;

/// <summary>
/// One page of a feed, streamed from an executed DuckDB query into Microsoft.OData's JSON writer.
/// The query fetched one row more than the page holds (unless <c>$top</c> ends here): if that row
/// exists, the page ends with a nextLink carrying the last written row's sort keys.
/// </summary>
internal sealed class PageBody : FeedBody
{
    private readonly FeedQuery query;
    private readonly PagePlan plan;
    private readonly int sortKeyCount;
    private readonly long? count;
    private readonly Uri serviceRoot;
    private readonly Func<SkipToken, Uri> nextLink;
    private readonly DuckDBConnection connection;
    private readonly DuckDBCommand command;
    private readonly DuckDBDataReader reader;
    private int disposed;

    /// <param name="sortKeyCount">Sort keys in the page query (the entity key included), read from the last row for the token.</param>
    /// <param name="connection">Owned with <paramref name="command"/> and <paramref name="reader"/>: disposed with this body.</param>
    public PageBody(FeedQuery query, PagePlan plan, int sortKeyCount, long? count, Uri serviceRoot, Func<SkipToken, Uri> nextLink,
        DuckDBConnection connection, DuckDBCommand command, DuckDBDataReader reader)
    {
        this.query = query;
        this.plan = plan;
        this.sortKeyCount = sortKeyCount;
        this.count = count;
        this.serviceRoot = serviceRoot;
        this.nextLink = nextLink;
        this.connection = connection;
        this.command = command;
        this.reader = reader;
    }

    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var model = query.Model;
        var settings = ResponseHeaders.WriterSettings(serviceRoot, new ODataUri
        {
            ServiceRoot = serviceRoot,
            Path = query.Path,
            SelectAndExpand = query.SelectClause,
        });
        await using var messageWriter = new ODataMessageWriter((IODataResponseMessageAsync)new ODataResponseMessage(stream), settings, model.Model);
        var writer = await messageWriter.CreateODataResourceSetWriterAsync(model.Set, model.Set.EntityType);
        var resourceSet = new ODataResourceSet { Count = count };
        await writer.WriteStartAsync(resourceSet);

        var columns = query.Select;
        var readers = columns.Select(c => ColumnReaders.For(c.Kind)).ToArray();
        var sortOrdinals = Enumerable.Range(0, sortKeyCount).Select(j => reader.GetOrdinal(PageSql.OrderAlias(j))).ToArray();
        long written = 0;
        object?[]? lastKeys = null;
        var more = false;
        using (cancellationToken.Register(static c => ((DuckDBCommand)c!).Cancel(), command))
        {
            while (reader.Read())
            {
                if (written == plan.Limit)
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
                if (written == plan.Limit) lastKeys = sortOrdinals.Select(o => ColumnReaders.SortValue(reader, o)).ToArray();
                if ((written & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            }
        }
        if (more && lastKeys is not null)
        {
            // Checkpoint: the token holds the pinned version, the rows returned so far (for $top)
            // and the last written row's sort keys; the next page starts strictly after that row.
            resourceSet.NextPageLink = nextLink(new SkipToken(query.Model.Dataset.Version, plan.ReturnedBefore + written, lastKeys, query.Fingerprint));
        }

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
