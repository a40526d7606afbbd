using System.IO.Compression;
using System.Xml;
using DataHub.Connectors.Abstractions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace DataHub.Connectors.Excel;

/// <summary>
/// One open .xlsx file: the package (DocumentFormat.OpenXml), the chosen sheet, the shared strings
/// and which cell styles are dates. Sheet XML is never loaded as a DOM: it is read forward with an
/// XmlReader (SAX style), so a 500k-row sheet costs the memory of one row plus the shared strings.
/// </summary>
internal sealed class ExcelWorkbook : IDisposable
{
    private readonly SpreadsheetDocument _document;
    private readonly WorksheetPart _sheetPart;

    private ExcelWorkbook(string path, SpreadsheetDocument document, WorksheetPart sheetPart, string sheetName, IReadOnlyList<string> sharedStrings, bool[] dateStyles)
    {
        Path = path;
        _document = document;
        _sheetPart = sheetPart;
        SheetName = sheetName;
        SharedStrings = sharedStrings;
        DateStyles = dateStyles;
    }

    public string Path { get; }

    public string SheetName { get; }

    public IReadOnlyList<string> SharedStrings { get; }

    /// <summary>Per cell style index: whether its number format shows a date or time.</summary>
    public bool[] DateStyles { get; }

    public static ExcelWorkbook Open(ExcelOptions options)
    {
        var path = options.FilePath;
        if (!File.Exists(path))
            throw new ConnectorException(ConnectorFailure.Config, "EXCEL_FILE_NOT_FOUND", $"找不到 Excel 文件“{System.IO.Path.GetFileName(path)}”", path,
                $"检查 {ExcelOptions.PathOption} 的路径（相对路径以数据源定义文件所在目录为起点）");
        CheckSignature(path);
        SpreadsheetDocument document;
        try
        {
            document = SpreadsheetDocument.Open(path, false);
        }
        catch (Exception e) when (e is InvalidDataException or OpenXmlPackageException or FileFormatException or XmlException or IOException and not FileNotFoundException)
        {
            throw Corrupt(path, e);
        }
        try
        {
            var workbookPart = document.WorkbookPart ?? throw Corrupt(path, null);
            var (sheetName, sheetPart) = ChooseSheet(workbookPart, options);
            var shared = ReadSharedStrings(workbookPart.SharedStringTablePart);
            var dates = ExcelDateFormats.DateStyles(workbookPart.WorkbookStylesPart);
            return new ExcelWorkbook(path, document, sheetPart, sheetName, shared, dates);
        }
        catch (Exception e) when (e is InvalidDataException or OpenXmlPackageException or XmlException)
        {
            document.Dispose();
            throw Corrupt(path, e);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>A fresh forward-only reader over the sheet XML.</summary>
    public XmlReader OpenSheet() => XmlReader.Create(_sheetPart.GetStream(FileMode.Open, FileAccess.Read),
        new XmlReaderSettings { IgnoreWhitespace = false, IgnoreComments = true, DtdProcessing = DtdProcessing.Prohibit, CloseInput = true });

    /// <summary>A workbook is a zip; a CSV renamed to .xlsx or an old .xls is told apart by its first bytes.</summary>
    private static void CheckSignature(string path)
    {
        Span<byte> head = stackalloc byte[8];
        int n;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var name = System.IO.Path.GetFileName(path);
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return;
        if (n >= 8 && head[..8].SequenceEqual(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }))
            throw new ConnectorException(ConnectorFailure.Data, "EXCEL_OLD_FORMAT", $"“{name}”是旧版 Excel 97-2003（.xls）格式或加了密码的工作簿，无法读取", path,
                "用 Excel 打开后“另存为”Excel 工作簿（.xlsx），如有打开密码请先取消");
        if (n == 0)
            throw new ConnectorException(ConnectorFailure.Data, "EXCEL_EMPTY_FILE", $"“{name}”是空文件", path, "请部门重新导出");
        if (LooksLikeText(path))
            throw new ConnectorException(ConnectorFailure.Data, "EXCEL_IS_TEXT", $"“{name}”不是 Excel 工作簿，而是文本（CSV）文件，只是扩展名为 .xlsx", path,
                "把数据源的连接器类型改为 type: csv（路径不变），或用 Excel 打开后另存为 .xlsx");
        throw Corrupt(path, null);
    }

    private static bool LooksLikeText(string path)
    {
        var buffer = new byte[4096];
        int n;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            n = f.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        // Text has no NUL bytes (UTF-16 aside, which Excel "CSV" exports rarely are) and has line breaks or separators.
        return !buffer.AsSpan(0, n).Contains((byte)0) && buffer.AsSpan(0, n).IndexOfAny((byte)'\n', (byte)',', (byte)'\t') >= 0;
    }

    private static ConnectorException Corrupt(string path, Exception? e) =>
        new(ConnectorFailure.Data, "EXCEL_CORRUPT", $"Excel 文件“{System.IO.Path.GetFileName(path)}”已损坏，无法打开", path,
            "请部门重新导出或重新发送文件（传输中断会使文件不完整）；能用 Excel 打开时另存一份 .xlsx", e);

    private static (string Name, WorksheetPart Part) ChooseSheet(WorkbookPart workbookPart, ExcelOptions options)
    {
        var sheets = workbookPart.Workbook?.Sheets?.Elements<Sheet>().ToList() ?? [];
        var names = sheets.Select(s => s.Name?.Value ?? "").ToList();
        Sheet? chosen;
        if (options.Sheet is null)
            chosen = sheets.FirstOrDefault(s => s.State is null || s.State.Value == SheetStateValues.Visible) ?? sheets.FirstOrDefault();
        else
        {
            chosen = sheets.FirstOrDefault(s => s.Name?.Value == options.Sheet)
                ?? sheets.FirstOrDefault(s => string.Equals(s.Name?.Value?.Trim(), options.Sheet, StringComparison.OrdinalIgnoreCase));
            if (chosen is null && int.TryParse(options.Sheet, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                && index >= 1 && index <= sheets.Count)
                chosen = sheets[index - 1];
        }
        if (chosen?.Id?.Value is not { } id || workbookPart.GetPartById(id) is not WorksheetPart part)
            throw new ConnectorException(ConnectorFailure.Config, "EXCEL_SHEET_MISSING",
                options.Sheet is null ? "工作簿中没有工作表" : $"工作簿中没有名为“{options.Sheet}”的工作表",
                $"{options.FilePath} 的工作表（数据源 {options.SourceId} 的 connector.{ExcelOptions.SheetOption}）",
                $"现有的工作表：{string.Join("、", names)}。工作表被改名时请修改 {ExcelOptions.SheetOption}，或写从 1 起的序号");
        return (chosen.Name?.Value ?? "", part);
    }

    /// <summary>The shared-string table, read forward; rich-text runs are joined.</summary>
    private static List<string> ReadSharedStrings(SharedStringTablePart? part)
    {
        var strings = new List<string>();
        if (part is null) return strings;
        using var reader = XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        while (reader.Read())
        {
            while (reader.NodeType == XmlNodeType.Element && reader.LocalName == "si") strings.Add(ExcelText.ReadRuns(reader));
        }
        return strings;
    }

    public void Dispose() => _document.Dispose();
}
