using System.Diagnostics;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using Microsoft.OData;
using Microsoft.OData.UriParser;

namespace DataHub.Serving.Feed;

/// <summary>
/// <c>{EntitySet}('key')</c>: one entity, read with the principal's row scope in the WHERE and its
/// masks in the projection, exactly like a page row. A key outside the scope is the same 404 as a
/// key that does not exist, so the answer does not reveal that the row exists elsewhere. The lookup
/// runs like a page: admitted by the gate, on a query worker (its statement text is the same for
/// every key, so it stays prepared), under the query time budget; the entity is serialised there.
/// </summary>
internal static class EntityEndpoint
{
    public static FeedWork Plan(FeedContext context, Uri serviceRoot, FeedQuery query, ServedDataset dataset, RowScope scope)
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
        var readers = query.Select.Select(c => ColumnReaders.For(c.Kind)).ToArray();

        return (session, outcome, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            ODataProperty[] properties;
            using (var reader = DuckDbCommands.Reader(session.Command(statement), ct))
            {
                if (!reader.Read()) throw FeedError.NotFound($"数据集“{dataset.Schema.Title}”中没有这条记录，或它不在您的数据范围内。");
                outcome.Timings.Execute = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                properties = query.Select.Select((c, i) => new ODataProperty { Name = c.Property, Value = readers[i](reader, i) }).ToArray();
            }
            var written = Stopwatch.GetTimestamp();
            var buffer = new PooledBuffer();
            try
            {
                var settings = ResponseHeaders.WriterSettings(serviceRoot, new ODataUri { ServiceRoot = serviceRoot, Path = query.Path, SelectAndExpand = query.SelectClause });
                using (var messageWriter = new ODataMessageWriter(new BufferedResponseMessage(new BufferStream(buffer)), settings, query.Model.Model))
                {
                    var writer = messageWriter.CreateODataResourceWriter(query.Model.Set, query.Model.Set.EntityType);
                    writer.WriteStart(new ODataResource { Properties = properties });
                    writer.WriteEnd();
                    writer.Flush();
                }
                outcome.Timings.Write = Stopwatch.GetElapsedTime(written).TotalMilliseconds;
                outcome.RowsReturned = 1;
                return new PageBody(buffer, 1);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
        };
    }
}
