using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Http;

namespace DataHub.Connectors.Rest;

/// <summary>
/// Reads a JSON REST API (type <c>rest</c>), e.g. a 市场监管 enterprise register: pages by page
/// number, offset or cursor, records at a JSON path, an auth header from a secret, retries for
/// transient failures and a declared rate limit. With <c>since_param</c> and <c>cursor_field</c>
/// it reads incrementally: the state is the largest <c>cursor_field</c> value committed so far.
/// </summary>
/// <remarks>
/// One page is held in memory at a time (plus the page before it, so that only the last batch
/// carries the state). The API is expected to treat <c>since</c> as exclusive (changed after it).
/// </remarks>
internal sealed class RestConnector(TimeProvider time) : ISourceConnector
{
    public const string TypeName = "rest";

    public ConnectorSpec Spec { get; } = new(TypeName, "REST JSON 接口", RestOptions.Declared, SupportsIncremental: true, HasCursor: true);

    public async Task<CheckResult> CheckAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var options = RestOptions.From(config);
            var (columns, records) = await FirstPageAsync(options, cancellationToken).ConfigureAwait(false);
            return CheckResult.Ok($"可以读取接口 {options.Url.GetLeftPart(UriPartial.Path)}：第一页 {records} 条记录，{columns.Count} 个字段");
        }
        catch (ConnectorException e)
        {
            return CheckResult.Failed(e.Describe());
        }
    }

    public async Task<SourceStream> DiscoverAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = RestOptions.From(config);
        var (columns, _) = await FirstPageAsync(options, cancellationToken).ConfigureAwait(false);
        if (columns.Count == 0)
            throw new ConnectorException(ConnectorFailure.Data, "REST_NO_RECORDS", "接口第一页没有返回任何记录，无法识别字段",
                $"数据源 {options.SourceId}，{options.Url.GetLeftPart(UriPartial.Path)}", "确认接口地址和查询条件（如区划参数）正确、对方系统中有数据");
        return new SourceStream(StreamName(options.Url), columns);
    }

    public async IAsyncEnumerable<RecordBatch> ReadAsync(SourceConfig config, ConnectorState? state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = RestOptions.From(config);
        var since = options.Incremental ? RestState.Since(state) : null;
        using var http = new HttpSource(options.Http, time);
        List<SourceColumn>? columns = null;
        Dictionary<string, int>? index = null;
        RecordBatch? pending = null;
        var maxCursor = since;
        long position = 0;
        var pages = 0;
        await foreach (var page in PagesAsync(options, http, since, cancellationToken).ConfigureAwait(false))
        {
            using (page.Document)
            {
                pages++;
                if (page.Records.GetArrayLength() == 0) continue;
                if (columns is null)
                {
                    columns = JsonRecords.Columns(page.Records).Select((n, i) => new SourceColumn(n, i + 1)).ToList();
                    index = columns.ToDictionary(c => c.Name, c => c.Ordinal - 1, StringComparer.Ordinal);
                }
                var records = new List<SourceRecord>(page.Records.GetArrayLength());
                foreach (var record in page.Records.EnumerateArray())
                {
                    if (record.ValueKind != JsonValueKind.Object)
                        throw new ConnectorException(ConnectorFailure.Data, "REST_RECORD_NOT_OBJECT",
                            $"第 {page.Number} 页第 {records.Count + 1} 条记录不是 JSON 对象，而是{JsonRecords.Kind(record.ValueKind)}",
                            $"数据源 {options.SourceId}，{options.Url.GetLeftPart(UriPartial.Path)}", "确认 records_path 指向记录数组，且对方返回的每条记录都是对象");
                    records.Add(new SourceRecord(++position, JsonRecords.Values(record, index!, columns.Count)));
                    if (options.CursorField is not null && JsonRecords.At(record, options.CursorField) is { } c && JsonRecords.Text(c) is { } value
                        && (maxCursor is null || JsonRecords.CompareCursor(value, maxCursor) > 0))
                        maxCursor = value;
                }
                if (pending is not null) yield return pending;
                // An incremental read hands out only what changed: the runner merges it into the previous rows.
                pending = new RecordBatch(columns, records, IsDelta: since is not null);
            }
        }

        // Checkpoint: every page was read; the state covers exactly the records handed out.
        var finalState = RestState.Create(options.Incremental ? maxCursor : null, position, pages);
        yield return pending is null
            ? new RecordBatch(columns ?? [], [], finalState, IsDelta: since is not null)
            : pending with { State = finalState };
    }

    private async Task<(List<SourceColumn> Columns, int Records)> FirstPageAsync(RestOptions options, CancellationToken cancellationToken)
    {
        using var http = new HttpSource(options.Http, time);
        await foreach (var page in PagesAsync(options, http, since: null, cancellationToken).ConfigureAwait(false))
        {
            using (page.Document)
            {
                var names = JsonRecords.Columns(page.Records);
                return (names.Select((n, i) => new SourceColumn(n, i + 1)).ToList(), page.Records.GetArrayLength());
            }
        }
        return ([], 0);
    }

    private sealed record Page(int Number, JsonDocument Document, JsonElement Records);

    private static async IAsyncEnumerable<Page> PagesAsync(RestOptions options, HttpSource http, string? since,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        var seenCursors = new HashSet<string>(StringComparer.Ordinal);
        for (var number = 1; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var url = PageUrl(options, number, cursor, since);
            var what = $"数据源“{options.SourceId}”第 {number} 页";
            var document = await http.GetJsonAsync(url, what, cancellationToken).ConfigureAwait(false);
            JsonElement records;
            string? next = null;
            try
            {
                records = JsonRecords.Array(document.RootElement, options.RecordsPath, options.SourceId, $"数据源 {options.SourceId}，{url.GetLeftPart(UriPartial.Path)} 第 {number} 页");
                if (options.Paging == RestPaging.Cursor && JsonRecords.At(document.RootElement, options.NextCursorPath!) is { } n)
                    next = JsonRecords.Text(n);
            }
            catch
            {
                document.Dispose();
                throw;
            }
            var count = records.GetArrayLength();
            yield return new Page(number, document, records);

            var last = options.Paging switch
            {
                RestPaging.None => true,
                RestPaging.Page or RestPaging.Offset => count < options.PageSize,
                _ => string.IsNullOrEmpty(next),
            };
            if (last) yield break;
            if (options.Paging == RestPaging.Cursor && !seenCursors.Add(next!))
                throw new ConnectorException(ConnectorFailure.Data, "REST_CURSOR_LOOP", $"接口在第 {number} 页返回了已用过的下一页游标，继续读取会无限循环",
                    $"数据源 {options.SourceId}，{options.Url.GetLeftPart(UriPartial.Path)}", "这是对方接口的问题：请联系对方系统管理员；确认 next_cursor_path 指向下一页游标");
            cursor = next;
        }
    }

    private static Uri PageUrl(RestOptions o, int number, string? cursor, string? since)
    {
        var query = new StringBuilder(o.Url.Query.TrimStart('?'));
        void Add(string name, string value)
        {
            if (query.Length > 0) query.Append('&');
            query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        switch (o.Paging)
        {
            case RestPaging.Page:
                Add(o.PageParam, (o.PageStart + number - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Add(o.SizeParam, o.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case RestPaging.Offset:
                Add(o.OffsetParam, ((long)(number - 1) * o.PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Add(o.SizeParam, o.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case RestPaging.Cursor:
                if (cursor is not null) Add(o.CursorParam, cursor);
                Add(o.SizeParam, o.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
        if (since is not null && o.SinceParam is not null) Add(o.SinceParam, since);
        return new UriBuilder(o.Url) { Query = query.ToString() }.Uri;
    }

    private static string StreamName(Uri url) =>
        url.Segments.Select(s => s.Trim('/')).LastOrDefault(s => s.Length > 0) ?? url.Host;
}

/// <summary>The REST connector's state: the incremental cursor (if any) and what the read covered.</summary>
internal static class RestState
{
    public static ConnectorState Create(string? since, long records, int pages) =>
        new(JsonSerializer.Serialize(new Dictionary<string, object?> { ["since"] = since, ["records"] = records, ["pages"] = pages }));

    public static string? Since(ConnectorState? state)
    {
        if (state is null || string.IsNullOrWhiteSpace(state.Json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(state.Json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("since", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString()
                : null;
        }
        catch (JsonException)
        {
            // A state another connector type left (the source changed type): read everything once.
            return null;
        }
    }
}
