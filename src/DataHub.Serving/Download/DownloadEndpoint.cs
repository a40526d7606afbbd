using System.Diagnostics;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Feed;
using DataHub.Serving.Query;

namespace DataHub.Serving.Download;

/// <summary>
/// <c>{EntitySet}?…&amp;$format=csv|xlsx|parquet|arrow</c>: the whole result of the feed query as a
/// file, under the same policy as the feed (row scope in the WHERE, masks in the projection, hidden
/// columns absent, masked columns refused in $filter/$orderby/$apply) and the same audit record (rows
/// written). Query errors are answered before any header: the statement runs and its first rows are
/// read (CSV, Arrow) or the file is produced (XLSX, Parquet, written to a temporary file that is
/// deleted after sending) first. Memory stays bounded: rows are streamed from DuckDB in chunks, never
/// collected. Admitted by the download gate (<see cref="ServingOptions.MaxConcurrentDownloads"/>),
/// run on download workers under <see cref="ServingOptions.DownloadTimeout"/>.
/// </summary>
internal static class DownloadEndpoint
{
    /// <summary>Excel's sheet limit is 1,048,576 rows, the header included.</summary>
    public const long MaxXlsxRows = 1_048_575;

    public static async Task<FeedResult> HandleAsync(FeedContext context, FeedQuery query, ServedDataset dataset, RowScope scope, DownloadFormat format, OutcomeState outcome, CancellationToken cancellationToken)
    {
        if (!query.View.RowsAllowed && query.Apply is null)
        {
            throw FeedError.Forbidden($"当前授权对数据集“{dataset.Schema.Title}”只允许汇总查询：只能下载 $apply 的汇总结果，不能下载明细行。");
        }
        if (query.Token is not null)
        {
            throw FeedError.BadRequest("QUERY_INVALID", "下载文件包含查询的全部结果，不分页：请去掉 $skiptoken。", "$skiptoken");
        }
        var (statement, columns) = DownloadSql.Build(query, dataset.ParquetFiles, scope, context.Options.Secret);
        var headers = ResponseHeaders.For(format.ContentType);
        headers.Add(new("Content-Disposition", $"attachment; filename=\"{dataset.Schema.EntitySetName}{format.Extension}\""));

        // Downloads have a gate and workers of their own: one may hold its worker while its client
        // reads, and must not take a worker or an admission slot from the pages.
        var lease = context.DownloadGate.TryEnter()
            ?? throw FeedError.Busy("SERVER_BUSY", "服务器繁忙，同时进行的下载已达上限，请稍后重试。", context.Options.RetryAfterSeconds);
        try
        {
            FeedBody body = format.Name switch
            {
                "csv" => await StreamedDownload.StartAsync(context.Engine, outcome, CsvDownload.Producer(statement, columns, format.Gbk), cancellationToken),
                "arrow" => await StreamedDownload.StartAsync(context.Engine, outcome, ArrowDownload.Producer(statement), cancellationToken),
                "xlsx" => await Built(context, outcome, (session, ct) => FileDownload.Xlsx(session, statement, columns, ct), cancellationToken),
                "parquet" => await Built(context, outcome, (session, ct) => FileDownload.Parquet(session, statement, ct), cancellationToken),
                _ => throw new InvalidOperationException($"Unknown download format {format.Name}."),
            };
            if (context.Options.ServerTiming) headers.Add(new("Server-Timing", outcome.Timings.ToServerTiming()));
            return new FeedResult(200, headers, body, outcome, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Builds a file on a download worker (the token passed to <paramref name="build"/> carries the download time budget).</summary>
    private static Task<FileDownload> Built(FeedContext context, OutcomeState outcome, Func<QuerySession, CancellationToken, FileDownload> build, CancellationToken cancellationToken) =>
        context.Engine.RunDownloadAsync((session, ct) =>
        {
            outcome.Timings.Queue = session.QueueWait.TotalMilliseconds;
            var started = Stopwatch.GetTimestamp();
            var file = build(session, ct);
            outcome.Timings.Execute = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return file;
        }, cancellationToken);
}
