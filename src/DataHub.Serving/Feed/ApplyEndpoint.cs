using System.Diagnostics;
using System.Globalization;
using System.Text;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;

namespace DataHub.Serving.Feed;

/// <summary>
/// <c>{EntitySet}?$apply=…</c> and <c>{EntitySet}/$count?$apply=…</c>, and the gate of aggregate-only
/// views (<see cref="DatasetView.RowsAllowed"/>). Aggregated results are small and unordered by
/// nature, so they page by OFFSET over a total order (every result column) rather than by keyset;
/// the skiptoken pins the version and carries the rows returned and the original <c>$skip</c>.
/// Like a page, the statements run on a query worker behind the admission gate and under the query
/// time budget, and the page is serialised there into pooled memory (<see cref="ApplyBody"/>).
/// </summary>
internal static class ApplyEndpoint
{
    /// <summary>Whether this endpoint answers: the query has a groupby/aggregate, or the view allows aggregates only.</summary>
    public static bool Handles(FeedQuery query, FeedRoute route) =>
        query.Apply is not null || (!query.View.RowsAllowed && route.Endpoint != FeedEndpoint.Count);

    public static FeedWork Plan(FeedContext context, FeedRequest request, Uri serviceRoot, FeedRoute route, RawQuery raw,
        FeedQuery query, ServedDataset dataset, RowScope scope)
    {
        if (query.Apply is null)
        {
            throw FeedError.Forbidden($"当前授权对数据集“{dataset.Schema.Title}”只允许汇总查询：请使用 $apply（如 groupby((字段),aggregate($count as 人数))）获取统计结果，不能读取明细行。");
        }
        if (route.Endpoint == FeedEndpoint.Count)
        {
            var countOnly = ApplySql.Count(query, dataset.ParquetFiles, scope);
            return (session, outcome, ct) =>
            {
                var started = Stopwatch.GetTimestamp();
                var total = DuckDbCommands.Scalar(session, countOnly, ct);
                outcome.Timings.Execute = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                outcome.TotalCount = total;
                return new BytesBody(Encoding.UTF8.GetBytes(total.ToString(CultureInfo.InvariantCulture)));
            };
        }

        var (pageSize, _) = PageSize.Resolve(request.Prefer, request.PageSize, context.Options);
        var token = query.Token;
        var skip = token is null ? query.Skip ?? 0 : token.Values is [long carried] ? carried : throw SkipTokenCodec.Invalid();
        var returned = token?.Returned ?? 0;
        var remaining = query.Top is { } top ? Math.Max(0, top - returned) : long.MaxValue;
        var limit = Math.Min(pageSize, remaining);
        var fetch = remaining > pageSize ? limit + 1 : limit;
        var count = query.Count ? ApplySql.Count(query, dataset.ParquetFiles, scope) : null;
        var (statement, columns) = ApplySql.Page(query, dataset.ParquetFiles, scope, fetch, skip + returned);
        Uri NextLinkAfter(long written) => NextLink.Build(serviceRoot, route, raw, context.Tokens.Encode(
            new SkipToken(dataset.Version, returned + written, [skip], query.Fingerprint)));

        return (session, outcome, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            long? total = null;
            if (count is not null)
            {
                total = DuckDbCommands.Scalar(session, count, ct);
                outcome.TotalCount = total;
            }
            using var reader = DuckDbCommands.Reader(session.Command(statement), ct);
            var executed = Stopwatch.GetTimestamp();
            outcome.Timings.Execute = Stopwatch.GetElapsedTime(started, executed).TotalMilliseconds;
            var buffer = new PooledBuffer();
            try
            {
                var written = ApplyBody.Write(buffer, reader, query, columns, limit, total, serviceRoot, NextLinkAfter, context.Options.MaxPageBytes, ct);
                outcome.Timings.Write = Stopwatch.GetElapsedTime(executed).TotalMilliseconds;
                outcome.RowsReturned = written;
                return new PageBody(buffer, written);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
        };
    }

    /// <summary>The <c>Preference-Applied</c> value of an <c>$apply</c> page, if the client's page size preference was honoured.</summary>
    public static string? Applied(FeedContext context, FeedRequest request, FeedRoute route) =>
        route.Endpoint == FeedEndpoint.Count ? null : PageSize.Resolve(request.Prefer, request.PageSize, context.Options).Applied;
}
