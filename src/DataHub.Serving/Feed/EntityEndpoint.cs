using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using Microsoft.OData;
using Microsoft.OData.UriParser;

namespace DataHub.Serving.Feed;

/// <summary>
/// <c>{EntitySet}('key')</c>: one entity, read with the principal's row scope in the WHERE and its
/// masks in the projection, exactly like a page row. A key outside the scope is the same 404 as a
/// key that does not exist, so the answer does not reveal that the row exists elsewhere.
/// </summary>
internal static class EntityEndpoint
{
    public static FeedResult Handle(FeedContext context, Uri serviceRoot, FeedQuery query, ServedDataset dataset, RowScope scope, OutcomeState outcome, CancellationToken cancellationToken)
    {
        if (!query.View.RowsAllowed)
        {
            throw FeedError.Forbidden($"当前授权对数据集“{dataset.Schema.Title}”只允许汇总查询（$apply），不能读取单条记录。");
        }
        if (query.Path.LastSegment is not KeySegment { Keys: var keys } || keys.Count() != 1)
        {
            throw FeedError.BadRequest("QUERY_INVALID", "按主键读取的地址应为 数据集('记录编号')。");
        }
        var key = keys.Single().Value;

        var statement = new SqlStatement();
        var projections = query.Select.Select((c, i) => $"{MaskSql.Project(c, statement, context.Options.Secret)} AS {PageSql.ValueAlias(i)}");
        statement.Append("SELECT ").Append(string.Join(", ", projections));
        statement.Append(" FROM read_parquet([").Append(string.Join(", ", dataset.ParquetFiles.Select(SqlStatement.Literal))).Append("]) WHERE ");
        if (scope.Predicate(statement) is { } inScope) statement.Append(inScope).Append(" AND ");
        statement.Append($"{SqlStatement.Identifier(query.View.Key.Column)} = {statement.Param(Literals.ToParameter(key))} LIMIT 1");

        ODataProperty[] properties;
        using (var connection = context.Engine.Open())
        using (var command = DuckDbCommands.Create(connection, statement))
        using (var reader = DuckDbCommands.Reader(command, cancellationToken))
        {
            if (!reader.Read()) throw FeedError.NotFound($"数据集“{dataset.Schema.Title}”中没有这条记录，或它不在您的数据范围内。");
            properties = query.Select.Select((c, i) => new ODataProperty { Name = c.Property, Value = ColumnReaders.For(c.Kind)(reader, i) }).ToArray();
        }
        outcome.RowsReturned = 1;
        return new FeedResult(200, ResponseHeaders.For(ResponseHeaders.Json), new EntityBody(query, serviceRoot, properties), outcome);
    }

    private sealed class EntityBody(FeedQuery query, Uri serviceRoot, ODataProperty[] properties) : FeedBody
    {
        public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
        {
            var model = query.Model;
            var settings = ResponseHeaders.WriterSettings(serviceRoot, new ODataUri { ServiceRoot = serviceRoot, Path = query.Path, SelectAndExpand = query.SelectClause });
            await using var messageWriter = new ODataMessageWriter((IODataResponseMessageAsync)new ODataResponseMessage(stream), settings, model.Model);
            var writer = await messageWriter.CreateODataResourceWriterAsync(model.Set, model.Set.EntityType);
            await writer.WriteStartAsync(new ODataResource { Properties = properties });
            await writer.WriteEndAsync();
            await writer.FlushAsync();
            return 1;
        }
    }
}
