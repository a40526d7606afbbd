using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace DataHub.TestKit.Connectors;

/// <summary>One sheet to write: rows of values (string, number, DateTime, bool or null), merged ranges ("A1:F1"), hidden columns (1-based).</summary>
public sealed record XlsxSheet(string Name, IEnumerable<object?[]> Rows)
{
    public IReadOnlyList<string> Merges { get; init; } = [];

    public IReadOnlyList<int> HiddenColumns { get; init; } = [];

    public bool Hidden { get; init; }
}

/// <summary>
/// Writes real .xlsx workbooks with DocumentFormat.OpenXml's streaming writer, as Excel lays them
/// out: strings in the shared-string table, dates as serial numbers in a date style (style 1:
/// yyyy-m-d; style 2: 2024年1月5日), merged ranges after the cells, hidden columns in &lt;cols&gt;.
/// Rows stream, so a 500k-row sheet is written without holding it.
/// </summary>
public static class XlsxWriter
{
    public static void Write(string path, params XlsxSheet[] sheets)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        var shared = new Dictionary<string, int>(StringComparer.Ordinal);
        var sharedList = new List<string>();
        var sheetElements = new Sheets();
        uint id = 1;
        foreach (var sheet in sheets)
        {
            var part = workbookPart.AddNewPart<WorksheetPart>();
            WriteSheet(part, sheet, shared, sharedList);
            sheetElements.Append(new Sheet
            {
                Name = sheet.Name, SheetId = id++, Id = workbookPart.GetIdOfPart(part),
                State = sheet.Hidden ? SheetStateValues.Hidden : null,
            });
        }
        workbookPart.Workbook = new Workbook(sheetElements);
        var sst = workbookPart.AddNewPart<SharedStringTablePart>();
        using (var writer = OpenXmlWriter.Create(sst))
        {
            writer.WriteStartElement(new SharedStringTable());
            foreach (var s in sharedList)
            {
                writer.WriteStartElement(new SharedStringItem());
                writer.WriteElement(new Text(s) { Space = SpaceProcessingModeValues.Preserve });
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }
        var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy\"年\"m\"月\"d\"日\"" }) { Count = 1 },
            new Fonts(new Font()) { Count = 1 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None })) { Count = 1 },
            new Borders(new Border()) { Count = 1 },
            new CellFormats(
                new CellFormat { NumberFormatId = 0 },
                new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true },
                new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 3 });
        workbookPart.Workbook.Save();
    }

    private static void WriteSheet(WorksheetPart part, XlsxSheet sheet, Dictionary<string, int> shared, List<string> sharedList)
    {
        using var writer = OpenXmlWriter.Create(part);
        writer.WriteStartElement(new Worksheet());
        if (sheet.HiddenColumns.Count > 0)
        {
            writer.WriteStartElement(new Columns());
            foreach (var c in sheet.HiddenColumns)
                writer.WriteElement(new Column { Min = (uint)c, Max = (uint)c, Width = 10, Hidden = true, CustomWidth = true });
            writer.WriteEndElement();
        }
        writer.WriteStartElement(new SheetData());
        var rowNumber = 0;
        foreach (var values in sheet.Rows)
        {
            rowNumber++;
            writer.WriteStartElement(new Row(), [new OpenXmlAttribute("r", "", rowNumber.ToString(CultureInfo.InvariantCulture))]);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is not { } value) continue;
                var reference = ColumnName(i) + rowNumber.ToString(CultureInfo.InvariantCulture);
                var cell = value switch
                {
                    string s => new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(Shared(s, shared, sharedList)) },
                    DateTime d => new Cell { CellReference = reference, StyleIndex = 1, CellValue = new CellValue(d.ToOADate().ToString(CultureInfo.InvariantCulture)) },
                    XlsxChineseDate cd => new Cell { CellReference = reference, StyleIndex = 2, CellValue = new CellValue(cd.Value.ToOADate().ToString(CultureInfo.InvariantCulture)) },
                    bool b => new Cell { CellReference = reference, DataType = CellValues.Boolean, CellValue = new CellValue(b ? "1" : "0") },
                    IFormattable n => new Cell { CellReference = reference, CellValue = new CellValue(n.ToString(null, CultureInfo.InvariantCulture)) },
                    _ => throw new ArgumentException($"Unsupported cell value {value.GetType().Name}"),
                };
                writer.WriteElement(cell);
            }
            writer.WriteEndElement();
        }
        writer.WriteEndElement();
        if (sheet.Merges.Count > 0)
        {
            writer.WriteStartElement(new MergeCells());
            foreach (var m in sheet.Merges) writer.WriteElement(new MergeCell { Reference = m });
            writer.WriteEndElement();
        }
        writer.WriteEndElement();
    }

    private static int Shared(string s, Dictionary<string, int> shared, List<string> list)
    {
        if (!shared.TryGetValue(s, out var i))
        {
            i = list.Count;
            shared[s] = i;
            list.Add(s);
        }
        return i;
    }

    public static string ColumnName(int column)
    {
        var name = "";
        for (var n = column + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }
}

/// <summary>A date written in the Chinese date style (2024年1月5日), as a serial number like any Excel date.</summary>
public readonly record struct XlsxChineseDate(DateTime Value);
