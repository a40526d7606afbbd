using System.Globalization;
using System.Text;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using DuckDB.NET.Data;

namespace DataHub.Serving.Feed;

/// <summary>
/// <c>{EntitySet}</c> and <c>{EntitySet}/$count</c>. Order of checks: the set exists, the skiptoken is
/// genuine, its pinned version is still kept (else 410), the principal's scope fits the dataset (else
/// 403), the options parse against the principal's own model. Only then does DuckDB run: the count
/// (when asked), the scope window (default order) and the page query, all before any header is
/// sent, so their failures are proper error answers; the body then streams the executed result.
/// </summary>
internal static class EntitySetEndpoint
{
    public static FeedResult Handle(FeedContext context, FeedRequest request, Uri serviceRoot, FeedRoute route, RawQuery raw, OutcomeState outcome, CancellationToken cancellationToken)
    {
        var principal = request.Principal;
        var current = context.Datasets.Current().FirstOrDefault(d => d.Schema.EntitySetName == route.EntitySet)
            ?? throw FeedError.NotFound($"数据集“{route.EntitySet}”不存在或尚未发布。可用的数据集见服务根地址。");
        outcome.Dataset = current.Schema.Name;

        var token = route.Endpoint == FeedEndpoint.Feed && raw.Value("$skiptoken") is { } text ? context.Tokens.Decode(text) : null;
        // Version pinning: a later page reads the version its first page read, even if a newer one
        // was published in between; a version the catalog no longer keeps cannot be continued
        // without gaps or duplicates, so the client is told to start over (410) rather than
        // silently switched to the current version.
        var dataset = token is null ? current : context.Datasets.Find(current.Schema.Name, token.Version)
            ?? throw new FeedError(410, "VERSION_GONE",
                $"数据集“{current.Schema.Title}”在分页读取期间发布了新版本，所读取的旧版本（第 {token.Version} 版）已不再保留。请重新刷新，从第一页读取最新版本。");
        outcome.Version = dataset.Version;
        // A retired version's folder may be deleted (by this or another node) while this node's
        // snapshot still lists it: the version is gone all the same, so 410, not a DuckDB I/O error.
        if (token is not null && dataset.ParquetFiles.Any(f => !File.Exists(f)))
            throw new FeedError(410, "VERSION_GONE",
                $"数据集“{current.Schema.Title}”在分页读取期间发布了新版本，所读取的旧版本（第 {token.Version} 版）已不再保留。请重新刷新，从第一页读取最新版本。");

        var scope = RowScope.For(principal, context.Policy.For(principal.Role), dataset.Schema);
        var model = context.Models.Feed(dataset, principal.Role)
            ?? throw FeedError.Forbidden($"当前角色无权访问数据集“{dataset.Schema.Title}”。");
        if (dataset.ParquetFiles.Count == 0) throw new InvalidOperationException($"Version {dataset.Version} of {dataset.Schema.Name} has no Parquet files.");

        var requestUri = new Uri(serviceRoot.AbsoluteUri + route.RawPath + request.RequestUri.Query, UriKind.Absolute);
        var query = FeedQueryParser.Parse(model, serviceRoot, requestUri, raw, token, context.Options);
        return route.Endpoint == FeedEndpoint.Count
            ? Count(context, query, dataset, scope, outcome, cancellationToken)
            : Page(context, request, serviceRoot, route, raw, query, dataset, scope, outcome, cancellationToken);
    }

    private static FeedResult Count(FeedContext context, FeedQuery query, ServedDataset dataset, RowScope scope, OutcomeState outcome, CancellationToken cancellationToken)
    {
        using var connection = context.Engine.Open();
        var count = DuckDbCommands.Scalar(connection, PageSql.Count(query, dataset.ParquetFiles, scope), cancellationToken);
        outcome.TotalCount = count;
        var body = Encoding.UTF8.GetBytes(count.ToString(CultureInfo.InvariantCulture));
        return new FeedResult(200, ResponseHeaders.For(ResponseHeaders.Text), new BytesBody(body), outcome);
    }

    private static FeedResult Page(FeedContext context, FeedRequest request, Uri serviceRoot, FeedRoute route, RawQuery raw,
        FeedQuery query, ServedDataset dataset, RowScope scope, OutcomeState outcome, CancellationToken cancellationToken)
    {
        var (pageSize, applied) = PageSize.Resolve(request.Prefer, request.PageSize, context.Options);
        var plan = PagePlan.Of(query.Top, query.Skip, query.Token?.Returned ?? 0, query.Token is null, pageSize);

        var connection = context.Engine.Open();
        DuckDBCommand? command = null;
        try
        {
            long? count = null;
            if (query.Count)
            {
                count = DuckDbCommands.Scalar(connection, PageSql.Count(query, dataset.ParquetFiles, scope), cancellationToken);
                outcome.TotalCount = count;
            }
            var bound = PageSql.HasScopeWindow(query, scope) && plan.Offset + plan.Fetch > 0
                ? ScopeWindow.UpperBound(connection, PageSql.Window(query, dataset.ParquetFiles, scope), plan.Offset + plan.Fetch, cancellationToken)
                : null;
            var (statement, keys) = PageSql.Page(query, dataset.ParquetFiles, scope, context.Options.Secret, plan.Fetch, plan.Offset, bound);
            command = DuckDbCommands.Create(connection, statement);
            var reader = DuckDbCommands.Reader(command, cancellationToken);

            var headers = ResponseHeaders.For(ResponseHeaders.Json);
            if (applied is not null) headers.Add(new("Preference-Applied", applied));
            var body = new PageBody(query, plan, keys.Count, count, serviceRoot,
                t => NextLink.Build(serviceRoot, route, raw, context.Tokens.Encode(t)), connection, command, reader);
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
