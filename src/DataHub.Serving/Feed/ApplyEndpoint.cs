using System.Globalization;
using System.Text;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DuckDB.NET.Data;

namespace DataHub.Serving.Feed;

/// <summary>
/// <c>{EntitySet}?$apply=…</c> and <c>{EntitySet}/$count?$apply=…</c>, and the gate of aggregate-only
/// views (<see cref="DatasetView.RowsAllowed"/>). Aggregated results are small and unordered by
/// nature, so they page by OFFSET over a total order (every result column) rather than by keyset;
/// the skiptoken pins the version and carries the rows returned and the original <c>$skip</c>.
/// </summary>
internal static class ApplyEndpoint
{
    /// <summary>Whether this endpoint answers: the query has a groupby/aggregate, or the view allows aggregates only.</summary>
    public static bool Handles(FeedQuery query, FeedRoute route) =>
        query.Apply is not null || (!query.View.RowsAllowed && route.Endpoint != FeedEndpoint.Count);

    public static FeedResult Handle(FeedContext context, FeedRequest request, Uri serviceRoot, FeedRoute route, RawQuery raw,
        FeedQuery query, ServedDataset dataset, RowScope scope, OutcomeState outcome, CancellationToken cancellationToken)
    {
        if (query.Apply is null)
        {
            throw FeedError.Forbidden($"当前授权对数据集“{dataset.Schema.Title}”只允许汇总查询：请使用 $apply（如 groupby((字段),aggregate($count as 人数))）获取统计结果，不能读取明细行。");
        }
        var connection = context.Engine.Open();
        DuckDBCommand? command = null;
        try
        {
            if (route.Endpoint == FeedEndpoint.Count)
            {
                var total = DuckDbCommands.Scalar(connection, ApplySql.Count(query, dataset.ParquetFiles, scope), cancellationToken);
                outcome.TotalCount = total;
                connection.Dispose();
                return new FeedResult(200, ResponseHeaders.For(ResponseHeaders.Text),
                    new BytesBody(Encoding.UTF8.GetBytes(total.ToString(CultureInfo.InvariantCulture))), outcome);
            }

            var (pageSize, applied) = PageSize.Resolve(request.Prefer, request.PageSize, context.Options);
            var token = query.Token;
            var skip = token is null ? query.Skip ?? 0 : token.Values is [long carried] ? carried : throw SkipTokenCodec.Invalid();
            var returned = token?.Returned ?? 0;
            var remaining = query.Top is { } top ? Math.Max(0, top - returned) : long.MaxValue;
            var limit = Math.Min(pageSize, remaining);
            var fetch = remaining > pageSize ? limit + 1 : limit;

            long? count = null;
            if (query.Count)
            {
                count = DuckDbCommands.Scalar(connection, ApplySql.Count(query, dataset.ParquetFiles, scope), cancellationToken);
                outcome.TotalCount = count;
            }
            var (statement, columns) = ApplySql.Page(query, dataset.ParquetFiles, scope, fetch, skip + returned);
            command = DuckDbCommands.Create(connection, statement);
            var reader = DuckDbCommands.Reader(command, cancellationToken);

            var headers = ResponseHeaders.For(ResponseHeaders.Json);
            if (applied is not null) headers.Add(new("Preference-Applied", applied));
            var body = new ApplyBody(query, columns, limit, count, serviceRoot,
                written => NextLink.Build(serviceRoot, route, raw, context.Tokens.Encode(
                    new SkipToken(dataset.Version, returned + written, [skip], query.Fingerprint))),
                connection, command, reader);
            return new FeedResult(200, headers, body, outcome);
        }
        catch
        {
            command?.Dispose();
            connection.Dispose();
            throw;
        }
    }
}
