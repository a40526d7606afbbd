using System.Globalization;
using DataHub.Serving.Engine;
using DataHub.Serving.Feed;
using DataHub.Serving.Query;
using Microsoft.OData.Edm;
using MiniExcelLibs;

namespace DataHub.Serving.Download;

/// <summary>
/// Formats whose writers need a seekable file (XLSX is a zip; Parquet's footer comes last): the file
/// is produced in the temp folder on a download worker before the answer starts (so a failure is
/// still an error answer, and the download time budget applies), then streamed asynchronously
/// without a worker, and deleted when the body is disposed.
/// </summary>
internal sealed class FileDownload(string path, long rows) : FeedBody
{
    private int disposed;

    /// <summary>XLSX with MiniExcel, which writes rows as it enumerates them (one row in memory at a time).</summary>
    public static FileDownload Xlsx(QuerySession session, SqlStatement statement, IReadOnlyList<(string Header, EdmPrimitiveTypeKind Kind)> columns, CancellationToken cancellationToken)
    {
        var path = TempPath(".xlsx");
        try
        {
            long rows = 0;
            using (var reading = Reading.Start(session.Connection, statement, cancellationToken))
            {
                var readers = columns.Select(c => ColumnReaders.For(c.Kind)).ToArray();
                IEnumerable<Dictionary<string, object?>> Rows()
                {
                    while (reading.Reader.Read())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (++rows > DownloadEndpoint.MaxXlsxRows)
                        {
                            throw FeedError.BadRequest("DOWNLOAD_TOO_LARGE",
                                $"结果超过 Excel 工作表的行数上限（{DownloadEndpoint.MaxXlsxRows:N0} 行），请加筛选条件，或改用 $format=csv 或 parquet 下载。", "$format");
                        }
                        var row = new Dictionary<string, object?>(columns.Count, StringComparer.Ordinal);
                        for (var i = 0; i < readers.Length; i++) row[columns[i].Header] = ForExcel(readers[i](reading.Reader, i));
                        yield return row;
                    }
                }
                MiniExcel.SaveAs(path, Rows(), printHeader: true, sheetName: "数据", excelType: ExcelType.XLSX, overwriteFile: true);
            }
            return new FileDownload(path, Math.Min(rows, DownloadEndpoint.MaxXlsxRows));
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Parquet by DuckDB's own COPY of the scoped, masked statement.</summary>
    public static FileDownload Parquet(QuerySession session, SqlStatement statement, CancellationToken cancellationToken)
    {
        var path = TempPath(".parquet");
        try
        {
            var copy = new SqlStatement();
            copy.Append("COPY (").Append(statement.Text).Append(") TO ").Append(SqlStatement.Literal(path)).Append(" (FORMAT parquet, COMPRESSION zstd)");
            foreach (var parameter in statement.Parameters) copy.Param(parameter.Value!);
            using var command = DuckDbCommands.Create(session.Connection, copy);
            // COPY answers the number of rows it wrote as its affected-row count.
            long rows = DuckDbCommands.Run(command, c => c.ExecuteNonQuery(), cancellationToken);
            return new FileDownload(path, rows);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        await file.CopyToAsync(stream, cancellationToken);
        return rows;
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) TryDelete(path);
        return ValueTask.CompletedTask;
    }

    private static object? ForExcel(object? value) => value switch
    {
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        DateTimeOffset t => t.UtcDateTime,
        _ => value,
    };

    private static string TempPath(string extension) =>
        Path.Combine(Path.GetTempPath(), "datahub-download-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture) + extension);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still open on some platform: the temp folder is cleaned by the OS.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
