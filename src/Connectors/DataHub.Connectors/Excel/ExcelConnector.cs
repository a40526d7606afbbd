using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Excel;

/// <summary>
/// Reads one sheet of an .xlsx workbook (type <c>excel</c>) as departments make them: title and
/// note rows above the header, one- or two-row headers with merged cells, hidden columns, dates as
/// serial numbers in a date style, numbers stored as text. Empty rows (also trailing ones) are not
/// records. Values: text as text, numbers as decimal, date-styled numbers as DateTime.
/// </summary>
/// <remarks>
/// The workbook is read whole on every run (<see cref="ConnectorSpec.SupportsIncremental"/> false);
/// the state records the file's size and time so a run can tell whether the workbook changed.
/// Streaming: the sheet XML is read forward twice (layout, then rows); only the shared strings and
/// the first rows used to find the header are held in memory.
/// </remarks>
internal sealed class ExcelConnector : ISourceConnector
{
    public const string TypeName = "excel";

    private static readonly JsonSerializerOptions StateJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ConnectorSpec Spec { get; } = new(TypeName, "Excel 工作簿（.xlsx）", ExcelOptions.Declared, SupportsIncremental: false, HasCursor: false);

    public Task<CheckResult> CheckAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<CheckResult>(cancellationToken);
        try
        {
            var options = ExcelOptions.From(config);
            using var sheet = OpenSheet(options);
            var notes = sheet.Layout.Notes.Count > 0 ? "；" + string.Join("；", sheet.Layout.Notes) : "";
            return Task.FromResult(CheckResult.Ok($"可以读取工作簿“{Path.GetFileName(options.FilePath)}”的工作表“{sheet.Book.SheetName}”：{sheet.Layout.Columns.Count} 列{notes}"));
        }
        catch (ConnectorException ex)
        {
            return Task.FromResult(CheckResult.Failed(ex.Describe()));
        }
    }

    public Task<SourceStream> DiscoverAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<SourceStream>(cancellationToken);
        try
        {
            var options = ExcelOptions.From(config);
            using var sheet = OpenSheet(options);
            return Task.FromResult(new SourceStream(sheet.Book.SheetName, sheet.Layout.Columns, Notes: sheet.Layout.Notes));
        }
        catch (Exception ex)
        {
            return Task.FromException<SourceStream>(ex);
        }
    }

    public async IAsyncEnumerable<RecordBatch> ReadAsync(SourceConfig config, ConnectorState? state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = ExcelOptions.From(config);
        using var sheet = OpenSheet(options);
        var layout = sheet.Layout;
        var width = layout.Columns.Count;
        // Excel column -> record index (-1: not read), for the widest sheet Excel allows.
        var index = new int[16384];
        Array.Fill(index, -1);
        for (var i = 0; i < layout.ExcelColumns.Length; i++) index[layout.ExcelColumns[i]] = i;

        var batch = new List<SourceRecord>(options.BatchSize);
        long records = 0;
        foreach (var row in sheet.DataRows())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var values = new object?[width];
            var any = false;
            foreach (var cell in row.Cells)
            {
                if (cell.Column < index.Length && index[cell.Column] is var at and >= 0)
                {
                    values[at] = cell.Value;
                    any = true;
                }
            }
            if (!any) continue; // only hidden or header-less cells: not a record of the mapped columns
            if (batch.Count == options.BatchSize)
            {
                yield return new RecordBatch(layout.Columns, batch);
                cancellationToken.ThrowIfCancellationRequested();
                batch = new List<SourceRecord>(options.BatchSize);
            }
            batch.Add(new SourceRecord(row.Number, values));
            records++;
        }
        await Task.CompletedTask;
        var file = new FileInfo(options.FilePath);
        var finalState = new ConnectorState(JsonSerializer.Serialize(new
        {
            file = file.Name,
            sheet = sheet.Book.SheetName,
            length = file.Length,
            modified = file.LastWriteTimeUtc.ToString("o", CultureInfo.InvariantCulture),
            rows = records,
        }, StateJson));
        yield return new RecordBatch(layout.Columns, batch, finalState);
    }

    private static OpenedSheet OpenSheet(ExcelOptions options)
    {
        var book = ExcelWorkbook.Open(options);
        try
        {
            var (hidden, merges) = ExcelSheetReader.ReadLayout(book);
            var reader = new ExcelSheetReader(book);
            var first = new List<ExcelRow>();
            var limit = Math.Max(ExcelOptions.HeaderSearchRows, (options.HeaderRow ?? 0) + 2);
            while (first.Count < limit && reader.ReadRow() is { } row) first.Add(row);
            var layout = ExcelLayout.Decide(options, book, first, hidden, merges);
            return new OpenedSheet(book, reader, first, layout);
        }
        catch (Exception e) when (e is System.Xml.XmlException or InvalidDataException)
        {
            book.Dispose();
            throw new ConnectorException(ConnectorFailure.Data, "EXCEL_CORRUPT", $"Excel 文件“{Path.GetFileName(options.FilePath)}”的工作表内容已损坏", options.FilePath,
                "请部门重新导出或重新发送文件；能用 Excel 打开时另存一份 .xlsx", e);
        }
        catch
        {
            book.Dispose();
            throw;
        }
    }

    /// <summary>A workbook positioned after the rows used to find the header; <see cref="DataRows"/> continues from there.</summary>
    private sealed class OpenedSheet(ExcelWorkbook book, ExcelSheetReader reader, List<ExcelRow> first, ExcelLayout layout) : IDisposable
    {
        public ExcelWorkbook Book => book;

        public ExcelLayout Layout => layout;

        public IEnumerable<ExcelRow> DataRows()
        {
            foreach (var row in first)
            {
                if (row.Number > layout.LastHeaderRow) yield return row;
            }
            while (ReadRow() is { } row) yield return row;
        }

        private ExcelRow? ReadRow()
        {
            try
            {
                return reader.ReadRow();
            }
            catch (Exception e) when (e is System.Xml.XmlException or InvalidDataException)
            {
                throw new ConnectorException(ConnectorFailure.Data, "EXCEL_CORRUPT", $"Excel 文件“{Path.GetFileName(book.Path)}”的工作表内容已损坏", book.Path,
                    "请部门重新导出或重新发送文件（传输中断会使文件不完整）", e);
            }
        }

        public void Dispose()
        {
            reader.Dispose();
            book.Dispose();
        }
    }
}
