using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Feed;
using DataHub.Serving.Query;

namespace DataHub.Serving.Download;

/// <summary>
/// <c>{EntitySet}?…&amp;$format=csv|xlsx|parquet|arrow</c>: the whole result of the feed query as a
/// file, under the same policy as the feed (row scope in the WHERE, masks in the projection, hidden
/// columns absent, masked columns refused in $filter/$orderby/$apply) and the same audit record (rows
/// written). Query errors are answered before any header: the statement runs (CSV, Arrow) or the file
/// is produced (XLSX, Parquet, written to a temporary file that is deleted after sending) first.
/// Memory stays bounded: rows are streamed from DuckDB in chunks, never collected.
/// </summary>
internal static class DownloadEndpoint
{
    /// <summary>Excel's sheet limit is 1,048,576 rows, the header included.</summary>
    public const long MaxXlsxRows = 1_048_575;

    public static FeedResult Handle(FeedContext context, FeedQuery query, ServedDataset dataset, RowScope scope, DownloadFormat format, OutcomeState outcome, CancellationToken cancellationToken)
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

        FeedBody body = format.Name switch
        {
            "csv" => CsvDownload.Start(context.Engine, statement, columns, format.Gbk, cancellationToken),
            "arrow" => ArrowDownload.Start(context.Engine, statement, cancellationToken),
            "xlsx" => FileDownload.Xlsx(context.Engine, statement, columns, cancellationToken),
            "parquet" => FileDownload.Parquet(context.Engine, statement, cancellationToken),
            _ => throw new InvalidOperationException($"Unknown download format {format.Name}."),
        };
        return new FeedResult(200, headers, body, outcome);
    }
}
