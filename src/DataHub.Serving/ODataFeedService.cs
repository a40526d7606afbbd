using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Feed;
using DuckDB.NET.Data;
using Microsoft.OData;

namespace DataHub.Serving;

/// <summary>
/// The OData v4 service over the published datasets, independent of ASP.NET: the host turns an
/// authenticated GET into a <see cref="FeedRequest"/>, sends the returned status and headers, then
/// calls <see cref="FeedResult.WriteBodyAsync"/> on the response stream and records
/// <see cref="FeedResult.Outcome"/> in the audit log.
/// <para>
/// Failure contract: every refusal and every failure before the body is an OData error answer
/// (<c>{"error":{"code","message"}}</c>, zh-CN message, no stack trace, SQL or row values), with
/// 400/403/404/410/414/501, or 500 <c>INTERNAL_ERROR</c> with <see cref="FeedOutcome.Failure"/> set
/// for the log. Only cancellation by <c>cancellationToken</c> and a host bug (a relative URI) throw.
/// </para>
/// </summary>
public sealed class ODataFeedService
{
    private readonly FeedContext context;

    /// <summary>A service that opens every dataset to every principal (within its policy and scope): no open list.</summary>
    public ODataFeedService(IServedDatasets datasets, AccessPolicy policy, DuckDbEngine engine, ServingOptions options)
        : this(datasets, DatasetGrant.Everything, policy, engine, options)
    {
    }

    /// <summary>A service that opens to each principal only what <paramref name="grants"/> (the open list) gives it.</summary>
    public ODataFeedService(IServedDatasets datasets, IDatasetGrants grants, AccessPolicy policy, DuckDbEngine engine, ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(engine);
        options.Validate();
        context = new FeedContext(datasets, grants, policy, engine, options);
    }

    public Task<FeedResult> HandleAsync(FeedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Principal);
        if (!request.ServiceRoot.IsAbsoluteUri) throw new ArgumentException("The service root must be an absolute URI.", nameof(request));
        if (!request.RequestUri.IsAbsoluteUri) throw new ArgumentException("The request URI must be an absolute URI.", nameof(request));
        cancellationToken.ThrowIfCancellationRequested();
        return HandleCoreAsync(request, cancellationToken);
    }

    /// <summary>Feed and <c>/$count</c> requests admitted now (running, queued for a worker, or sending their body).</summary>
    public int Admitted => context.Gate.Admitted;

    /// <summary>Downloads admitted now (running on a download worker, or sending a built file).</summary>
    public int DownloadsAdmitted => context.DownloadGate.Admitted;

    private async Task<FeedResult> HandleCoreAsync(FeedRequest request, CancellationToken cancellationToken)
    {
        var outcome = new OutcomeState();
        try
        {
            if (request.RequestUri.AbsoluteUri.Length > context.Options.MaxRequestUriLength)
            {
                throw new FeedError(414, "URI_TOO_LONG", $"请求地址过长（超过 {context.Options.MaxRequestUriLength} 个字符），请减少筛选条件。");
            }
            var serviceRoot = Normalize(request.ServiceRoot);
            var route = FeedRoute.Parse(serviceRoot, request.RequestUri);
            outcome.Endpoint = route.Endpoint;
            var raw = RawQuery.Parse(request.RequestUri.Query);
            QueryGuard.Check(raw, route.Endpoint);
            return route.Endpoint switch
            {
                FeedEndpoint.ServiceDocument => DocumentEndpoints.ServiceDocument(context, request, serviceRoot, outcome),
                FeedEndpoint.Metadata => DocumentEndpoints.Metadata(context, request, outcome),
                // The DuckDB work (count, window, page, rows serialised; key lookups, $apply) runs on a
                // query worker, downloads on a download worker.
                _ => await EntitySetEndpoint.HandleAsync(context, request, serviceRoot, route, raw, outcome, cancellationToken),
            };
        }
        catch (FeedError error)
        {
            return ErrorResults.Create(error, outcome);
        }
        catch (ODataException ex)
        {
            return ErrorResults.Create(FeedError.BadRequest("QUERY_INVALID", $"请求无法解析：{ex.Message}"), outcome);
        }
        catch (EngineBusyException)
        {
            return ErrorResults.Create(FeedError.Busy("SERVER_BUSY", "服务器繁忙，正在处理的查询已达上限，请稍后重试。", context.Options.RetryAfterSeconds), outcome);
        }
        catch (QueryTimeoutException ex)
        {
            outcome.Failure = Diagnostics.Describe(ex);
            return ErrorResults.Create(FeedError.Busy("QUERY_TIMEOUT",
                $"查询超过 {context.Options.QueryTimeout.TotalSeconds:0} 秒仍未完成，已中止。请缩小范围（例如增加筛选条件、减少排序字段）后重试。", context.Options.RetryAfterSeconds), outcome);
        }
        catch (InsufficientExecutionStackException)
        {
            return ErrorResults.Create(FeedError.BadRequest("QUERY_TOO_COMPLEX", "查询表达式嵌套过深，请简化筛选条件。"), outcome);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DuckDBException ex) when (DuckDbErrors.IsCausedByQuery(ex))
        {
            // The message is withheld: it may quote values of rows outside the caller's scope.
            outcome.Failure = Diagnostics.Describe(ex);
            return ErrorResults.Create(FeedError.BadRequest("QUERY_EVALUATION_FAILED",
                "查询表达式在计算时出错（例如数值溢出、类型转换失败或参数超出范围），请检查 $filter 和 $orderby。"), outcome);
        }
        catch (Exception ex)
        {
            outcome.Failure = Diagnostics.Describe(ex);
            return ErrorResults.Create(new FeedError(500, "INTERNAL_ERROR", "服务器内部错误，请稍后重试；如持续出现请联系数据管理员。"), outcome);
        }
    }

    /// <summary>The root without query or fragment, ending with '/', so relative paths resolve under it.</summary>
    private static Uri Normalize(Uri root)
    {
        var text = root.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/", UriKind.Absolute);
    }
}
