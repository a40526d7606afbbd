using System.Diagnostics;
using System.Globalization;
using System.Text;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;

namespace DataHub.Serving.Feed;

/// <summary>
/// <c>{EntitySet}</c> and <c>{EntitySet}/$count</c>. Order of checks: the set exists, the skiptoken is
/// genuine and belongs to this query, its pinned version is still kept (else 410), the principal's
/// scope fits the dataset (else 403), the options parse against the principal's own model and stay
/// within the complexity budget. Only then is the request admitted (else 503) and its DuckDB work
/// queued for a query worker: the count (when asked), the scope window (default order, wider than a
/// community), the page query and the JSON of its rows, all before any header is sent, so their
/// failures are proper error answers. Key lookups and <c>$apply</c> run the same way; downloads on
/// download workers behind their own gate (<see cref="Download.DownloadEndpoint"/>).
/// </summary>
internal static class EntitySetEndpoint
{
    public static async Task<FeedResult> HandleAsync(FeedContext context, FeedRequest request, Uri serviceRoot, FeedRoute route, RawQuery raw, OutcomeState outcome, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var principal = request.Principal;
        // Not granted and unknown give the same answer, so a dataset's existence does not leak.
        var (current, grant) = context.FindGranted(principal, route.EntitySet, request.Version)
            ?? throw FeedError.NotFound(request.Version is { } v
                ? $"数据集“{route.EntitySet}”没有保留第 {v} 版（或不存在）。可用的版本可用 datahub versions 查看。"
                : $"数据集“{route.EntitySet}”不存在或尚未发布。可用的数据集见服务根地址。");
        outcome.Dataset = current.Schema.Name;
        // An aggregate-only grant answers $apply aggregations only (groups too small to be statistics
        // are left out, see ApplySql.MinimumCell). Rows, $count, downloads and key lookups are refused
        // before any option is parsed.
        if (grant.AggregateOnly && (route.Endpoint != FeedEndpoint.Feed || raw.Value("$apply") is null || raw.Value("$format") is not null))
        {
            throw new FeedError(403, "AGGREGATE_ONLY", $"数据集“{current.Schema.Title}”只向您开放汇总统计，不提供明细行或计数。请使用 $apply 查询统计结果，如 $apply=groupby((字段),aggregate($count as 人数))。");
        }

        // Load shedding before the costly part (skiptoken, parsing, planning): a node whose gate is
        // full answers 503 here, so a crowd of clients retrying at once costs little CPU and the
        // health checks and admitted requests keep theirs. Admission itself is still decided by
        // TryEnter below; this only refuses early what it would refuse anyway (barring a slot freed
        // in between).
        if (QueuesWork(route, raw) && context.Gate.Admitted >= context.Options.MaxConcurrentRequests)
        {
            throw FeedError.Busy("SERVER_BUSY", "服务器繁忙，同时处理的查询已达上限，请稍后重试。", context.Options.RetryAfterSeconds);
        }

        var fingerprint = SkipTokenCodec.Fingerprint(current.Schema.EntitySetName, raw);
        var token = route.Endpoint == FeedEndpoint.Feed && raw.Value("$skiptoken") is { } text ? context.Tokens.Decode(text, fingerprint) : null;
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

        var scope = RowScope.For(principal, context.Policy.For(principal.Role), dataset.Schema, () => context.GrantedNames(principal));
        var model = context.Models.Feed(dataset, principal.Role, grant)
            ?? throw FeedError.Forbidden($"当前角色无权访问数据集“{dataset.Schema.Title}”。");
        if (dataset.ParquetFiles.Count == 0) throw new InvalidOperationException($"Version {dataset.Version} of {dataset.Schema.Name} has no Parquet files.");
        var planned = Stopwatch.GetTimestamp();
        outcome.Timings.Model = Stopwatch.GetElapsedTime(started, planned).TotalMilliseconds;
        // A bare /$count (as Power Query sends it) once the version's counts are loaded: nothing to
        // parse or plan, the scope's count from memory.
        if (route.Endpoint == FeedEndpoint.Count && raw.Options.Count == 0 && context.ScopeCounts.TryGet(dataset) is { } loaded)
        {
            return CountFromMemory(context, loaded, scope, outcome, planned);
        }

        var requestUri = new Uri(serviceRoot.AbsoluteUri + route.RawPath + request.RequestUri.Query, UriKind.Absolute);
        var query = FeedQueryParser.Parse(model, serviceRoot, requestUri, raw, token, context.Options);
        QueryBudget.Check(query, context.Options);
        // Downloads run on download workers behind a gate of their own (they hold a connection while
        // the client reads); everything else on a query worker behind the admission gate.
        if (route.Endpoint == FeedEndpoint.Feed && Download.DownloadFormat.Parse(raw.Value("$format")) is { } download)
        {
            outcome.Timings.Plan = Stopwatch.GetElapsedTime(planned).TotalMilliseconds;
            return await Download.DownloadEndpoint.HandleAsync(context, query, dataset, scope, download, outcome, cancellationToken);
        }
        FeedWork work;
        List<KeyValuePair<string, string>> headers;
        if (route.Endpoint == FeedEndpoint.Entity)
        {
            work = EntityEndpoint.Plan(context, serviceRoot, query, dataset, scope);
            headers = ResponseHeaders.For(ResponseHeaders.Json);
        }
        else if (ApplyEndpoint.Handles(query, route))
        {
            work = ApplyEndpoint.Plan(context, request, serviceRoot, route, raw, query, dataset, scope);
            headers = ResponseHeaders.For(route.Endpoint == FeedEndpoint.Count ? ResponseHeaders.Text : ResponseHeaders.Json);
            if (ApplyEndpoint.Applied(context, request, route) is { } preference) headers.Add(new("Preference-Applied", preference));
        }
        else if (route.Endpoint == FeedEndpoint.Count && query.Filter is null && context.ScopeCounts.TryGet(dataset) is { } counts)
        {
            return CountFromMemory(context, counts, scope, outcome, planned);
        }
        else
        {
            work = route.Endpoint == FeedEndpoint.Count
                ? CountWork(context, query, dataset, scope)
                : PageWork(context, request, serviceRoot, route, raw, query, dataset, scope);
            headers = ResponseHeaders.For(route.Endpoint == FeedEndpoint.Count ? ResponseHeaders.Text : ResponseHeaders.Json);
            if (route.Endpoint == FeedEndpoint.Feed && PageSize.Resolve(request.Prefer, request.PageSize, context.Options).Applied is { } preference)
            {
                headers.Add(new("Preference-Applied", preference));
            }
        }
        outcome.Timings.Plan = Stopwatch.GetElapsedTime(planned).TotalMilliseconds;
        return await AdmittedWork.RunAsync(context, work, headers, outcome, cancellationToken);
    }

    /// <summary>Counted once per version: no DuckDB work, so neither the gate nor a worker.</summary>
    private static FeedResult CountFromMemory(FeedContext context, ScopeCounts counts, RowScope scope, OutcomeState outcome, long planned)
    {
        var total = counts.Count(scope);
        outcome.TotalCount = total;
        outcome.Timings.Plan = Stopwatch.GetElapsedTime(planned).TotalMilliseconds;
        var headers = ResponseHeaders.For(ResponseHeaders.Text);
        if (context.Options.ServerTiming) headers.Add(new("Server-Timing", outcome.Timings.ToServerTiming()));
        return new FeedResult(200, headers, new BytesBody(Encoding.UTF8.GetBytes(total.ToString(CultureInfo.InvariantCulture))), outcome);
    }

    /// <summary>
    /// Whether the request will pass the admission gate: pages, key lookups and <c>$apply</c>, and
    /// counts with a filter or <c>$apply</c>; not downloads (their own gate) nor unfiltered counts
    /// (answered from memory once the version's counts are loaded).
    /// </summary>
    private static bool QueuesWork(FeedRoute route, RawQuery raw) => route.Endpoint switch
    {
        FeedEndpoint.Feed => raw.Value("$format") is null,
        FeedEndpoint.Entity => true,
        FeedEndpoint.Count => raw.Value("$filter") is not null || raw.Value("$apply") is not null,
        _ => false,
    };

    private static FeedWork CountWork(FeedContext context, FeedQuery query, ServedDataset dataset, RowScope scope)
    {
        var statement = query.Filter is null ? null : PageSql.Count(query, dataset.ParquetFiles, scope);
        return (session, outcome, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            // Without a filter: the version's counts per scope code (loaded here once, then from memory).
            var count = statement is null ? context.ScopeCounts.Get(session, dataset, ct).Count(scope) : DuckDbCommands.Scalar(session, statement, ct);
            outcome.Timings.Execute = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            outcome.TotalCount = count;
            return new BytesBody(Encoding.UTF8.GetBytes(count.ToString(CultureInfo.InvariantCulture)));
        };
    }

    private static FeedWork PageWork(FeedContext context, FeedRequest request, Uri serviceRoot, FeedRoute route, RawQuery raw,
        FeedQuery query, ServedDataset dataset, RowScope scope)
    {
        var (pageSize, _) = PageSize.Resolve(request.Prefer, request.PageSize, context.Options);
        var plan = PagePlan.Of(query.Top, query.Skip, query.Token?.Returned ?? 0, query.Token is null, pageSize);
        var rowsNeeded = plan.Offset + plan.Fetch;
        var windowed = PageSql.HasScopeWindow(query, scope) && rowsNeeded > 0;
        // Without a filter the window comes from the version's counts per scope code (memory, no
        // scan); with one, from a GROUP BY whose sum on a first page is also the $count.
        var window = windowed && query.Filter is not null ? PageSql.Window(query, dataset.ParquetFiles, scope) : null;
        var countFromWindow = window is not null && query.Token is null;
        var count = query.Count && query.Filter is not null ? PageSql.Count(query, dataset.ParquetFiles, scope) : null;
        var afterCode = query.Token?.Values is [string code, ..] ? code : null;
        var contextUrl = context.ContextUrls.For(query, serviceRoot, raw.Value("$select"));
        var maxBytes = context.Options.MaxPageBytes;
        var copies = context.Engine.SortedCopies;
        var lakeOrder = copies.Enabled ? PageSql.LakeOrder(query) : null;
        var copyOrder = copies.Enabled && lakeOrder is null ? PageSql.SortedCopyOrder(query) : null;

        return (session, outcome, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            // Files that hold the rows in the page order already: the lake itself in its own order
            // (once checked for the version), or a sorted copy for an $orderby over a wide scope. The
            // page is then the first rows in file order after the token (see PageSql.Page, presorted);
            // without them (not yet checked or built, a narrow scope) it is a top-N as before.
            using var sorted = Presorted(context, session, dataset, scope, rowsNeeded, lakeOrder, copyOrder, ct);
            long? total = null;
            string? bound = null;
            if (window is not null && sorted is null)
            {
                var (windowBound, windowRows) = ScopeWindow.UpperBound(session, window, rowsNeeded, ct);
                bound = windowBound;
                if (query.Count && countFromWindow) total = windowRows;
            }
            else if (windowed && query.Filter is null)
            {
                bound = context.ScopeCounts.Get(session, dataset, ct).UpperBound(scope, afterCode, rowsNeeded);
            }
            if (query.Count && total is null)
            {
                total = count is null ? context.ScopeCounts.Get(session, dataset, ct).Count(scope) : DuckDbCommands.Scalar(session, count, ct);
            }
            outcome.TotalCount = total;
            // The page statement's text depends on the window's answer, so it is built here. In the
            // lake's order it lists only the slices of the codes the page can reach, when the version
            // has them (ScopeSlices: DuckDB's cost per statement grows with the row groups it lists).
            var files = sorted?.Files ?? dataset.ParquetFiles;
            if (lakeOrder is not null && sorted?.Slices is { } slices && scope.Column is not null
                && slices.Select(scope.Low, scope.High, afterCode, bound) is { } sliced)
            {
                files = sliced;
                copies.CountSliceHit();
            }
            var (statement, keys) = PageSql.Page(query, files, scope, context.Options.Secret,
                plan.Fetch, plan.Offset, bound, presorted: sorted is not null);
            // Read straight from DuckDB's vectors when the statement and its column types allow it,
            // else (and on any failure, which DuckDB.NET then reports as usual) through DuckDB.NET's reader.
            using var native = NativeResult.TryExecute(session, statement, (i, type) => JsonPageWriter.Accepts(query.Select, i, type), ct);
            using var reader = native is null ? DuckDbCommands.Reader(session.Command(statement), ct) : null;
            var executed = Stopwatch.GetTimestamp();
            outcome.Timings.Execute = Stopwatch.GetElapsedTime(started, executed).TotalMilliseconds;

            var buffer = new PooledBuffer();
            try
            {
                Func<SkipToken, Uri> link = t => NextLink.Build(serviceRoot, route, raw, context.Tokens.Encode(t));
                var written = native is not null
                    ? JsonPageWriter.Write(buffer, native, query.Select, keys.Count, contextUrl, total, plan, dataset.Version, query.Fingerprint, link, maxBytes, ct)
                    : JsonPageWriter.Write(buffer, reader!, query.Select, keys.Count, contextUrl, total, plan, dataset.Version, query.Fingerprint, link, maxBytes, ct);
                outcome.Timings.Write = Stopwatch.GetElapsedTime(executed).TotalMilliseconds;
                outcome.RowsReturned = written.Rows;
                return new PageBody(buffer, written.Rows);
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
        };
    }

    private static SortedCopies.Lease? Presorted(FeedContext context, QuerySession session, ServedDataset dataset, RowScope scope, long rowsNeeded,
        (string OrderBy, string ScopeColumn, string KeyColumn)? lakeOrder, string? copyOrder, CancellationToken cancellationToken)
    {
        if (lakeOrder is null && copyOrder is null) return null;
        var copies = context.Engine.SortedCopies;
        var counts = context.ScopeCounts.Get(session, dataset, cancellationToken);
        if (counts.Total < Math.Max(1, copies.MinRows)) return null;
        if (lakeOrder is { } lake) return copies.Acquire(dataset, lake.OrderBy, new SortedCopies.LakeOrder(lake.ScopeColumn, lake.KeyColumn));
        return Wide(counts, scope, rowsNeeded) ? copies.Acquire(dataset, copyOrder!) : null;
    }

    /// <summary>
    /// Whether a sorted copy pays for this scope: read in the copy's order, a page of
    /// <paramref name="rowsNeeded"/> rows passes over about rowsNeeded × total ÷ scope rows of the
    /// copy; without it DuckDB decodes every row of the scope (its row groups in the community-sorted
    /// lake). A community is cheaper without (a few row groups), a street or the district with.
    /// </summary>
    private static bool Wide(ScopeCounts counts, RowScope scope, long rowsNeeded)
    {
        var rows = (double)counts.Count(scope);
        return rows * rows >= (double)rowsNeeded * counts.Total;
    }
}
