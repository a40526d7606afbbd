using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace DataHub.Simulators.District.Housing;

/// <summary>
/// Writes the 住建 housing register the way the department's staff send it: an .xlsx (written by
/// the Open XML SDK's streaming writer, row by row) with a title row and a note row above a
/// two-row header whose upper row has merged group cells, numbers stored as text, 更新时间 as an
/// Excel serial date-time, a hidden internal column, trailing empty rows, and a second sheet of
/// filling instructions before the data sheet.
/// </summary>
internal static class HousingWorkbookWriter
{
    public const string DataSheet = "实有房屋";
    public const string NotesSheet = "填表说明";

    /// <summary>The lower header row: the column names a source definition maps.</summary>
    public static readonly string[] Header =
    [
        "房屋编号", "标准地址编码", "房屋地址", "社区代码", "社区名称", "楼栋号", "单元号", "房号", "所在楼层", "建筑面积（㎡）",
        "房屋用途", "产权性质", "产权人", "是否出租", "租住人数", "建成年份", "更新时间", "内部备注",
    ];

    /// <summary>The upper header row's merged groups: (first column, last column, label), 1-based.</summary>
    private static readonly (int From, int To, string Label)[] Groups =
        [(1, 5, "基本信息"), (6, 9, "房屋位置"), (10, 13, "房屋属性"), (14, 15, "出租情况"), (16, 18, "其他")];

    /// <summary>Rows above the lower header row: title, note, group header.</summary>
    public const int HeaderRow = 4;

    private const uint StyleDateTime = 1;
    private const uint StyleBold = 2;

    /// <summary>One row's cells: text (inline string), a number, or an instant (serial date-time); null is an empty cell.</summary>
    public sealed record Row(object?[] Cells);

    public static void Write(string path, string title, string note, IEnumerable<Row> rows)
    {
        var partial = path + ".partial";
        using (var document = SpreadsheetDocument.Create(partial, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();

            var notesPart = workbookPart.AddNewPart<WorksheetPart>();
            WriteNotes(notesPart);
            var dataPart = workbookPart.AddNewPart<WorksheetPart>();
            WriteData(dataPart, title, note, rows);

            var sheets = workbookPart.Workbook.AppendChild(new Sheets());
            sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(notesPart), SheetId = 1, Name = NotesSheet });
            sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(dataPart), SheetId = 2, Name = DataSheet });
            workbookPart.Workbook.Save();
        }
        File.Move(partial, path, overwrite: true);
    }

    private static void WriteNotes(WorksheetPart part)
    {
        using var w = OpenXmlWriter.Create(part);
        w.WriteStartElement(new Worksheet());
        w.WriteStartElement(new SheetData());
        string[] lines =
        [
            "填表说明",
            "1. 每套（间）房屋填一行，房屋编号在本区内唯一。",
            "2. 社区代码填12位统计用区划代码。",
            "3. 建筑面积单位为平方米，保留两位小数。",
        ];
        for (var i = 0; i < lines.Length; i++) WriteRow(w, (uint)(i + 1), [lines[i]]);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteData(WorksheetPart part, string title, string note, IEnumerable<Row> rows)
    {
        var width = Header.Length;
        using var w = OpenXmlWriter.Create(part);
        w.WriteStartElement(new Worksheet());
        // The internal column (last) is hidden, as staff hide working columns before sending.
        w.WriteStartElement(new Columns());
        w.WriteElement(new Column { Min = 1, Max = (uint)(width - 1), Width = 16, CustomWidth = true });
        w.WriteElement(new Column { Min = (uint)width, Max = (uint)width, Width = 12, CustomWidth = true, Hidden = true });
        w.WriteEndElement();
        w.WriteStartElement(new SheetData());
        WriteRow(w, 1, [title], StyleBold);
        WriteRow(w, 2, [note]);
        var groups = new object?[width];
        foreach (var (from, _, label) in Groups) groups[from - 1] = label;
        WriteRow(w, 3, groups, StyleBold);
        WriteRow(w, HeaderRow, Header, StyleBold);
        var r = (uint)HeaderRow;
        foreach (var row in rows) WriteRow(w, ++r, row.Cells);
        // Trailing rows that only carry formatting: Excel keeps them after rows are cleared.
        for (var i = 0; i < 3; i++)
        {
            w.WriteStartElement(new DocumentFormat.OpenXml.Spreadsheet.Row { RowIndex = ++r });
            for (var c = 0; c < width; c++) w.WriteElement(new Cell { CellReference = Ref(c, r), StyleIndex = StyleBold });
            w.WriteEndElement();
        }
        w.WriteEndElement(); // sheetData
        w.WriteStartElement(new MergeCells());
        w.WriteElement(new MergeCell { Reference = $"A1:{Column(width - 1)}1" });
        w.WriteElement(new MergeCell { Reference = $"A2:{Column(width - 1)}2" });
        foreach (var (from, to, _) in Groups) w.WriteElement(new MergeCell { Reference = $"{Column(from - 1)}3:{Column(to - 1)}3" });
        w.WriteEndElement();
        w.WriteEndElement(); // worksheet
    }

    private static void WriteRow(OpenXmlWriter w, uint index, IReadOnlyList<object?> cells, uint? style = null)
    {
        w.WriteStartElement(new DocumentFormat.OpenXml.Spreadsheet.Row { RowIndex = index });
        for (var c = 0; c < cells.Count; c++)
        {
            var reference = Ref(c, index);
            switch (cells[c])
            {
                case null:
                    break;
                case string s:
                    var cell = new Cell { CellReference = reference, DataType = CellValues.InlineString };
                    if (style is { } st) cell.StyleIndex = st;
                    cell.AppendChild(new InlineString(new Text(s) { Space = SpaceProcessingModeValues.Preserve }));
                    w.WriteElement(cell);
                    break;
                case DateTimeOffset t:
                    w.WriteElement(new Cell
                    {
                        CellReference = reference, StyleIndex = StyleDateTime,
                        CellValue = new CellValue(Serial(t).ToString("0.########", CultureInfo.InvariantCulture)),
                    });
                    break;
                case IFormattable n:
                    w.WriteElement(new Cell { CellReference = reference, CellValue = new CellValue(n.ToString(null, CultureInfo.InvariantCulture)) });
                    break;
            }
        }
        w.WriteEndElement();
    }

    /// <summary>Excel's serial date-time (1900 system) of the Beijing wall-clock time, to the second.</summary>
    public static double Serial(DateTimeOffset t)
    {
        var local = t.ToOffset(TimeSpan.FromHours(8)).DateTime;
        return (local.Date - new DateTime(1899, 12, 30)).TotalDays + Math.Round(local.TimeOfDay.TotalSeconds) / 86400.0;
    }

    private static string Ref(int column, uint row) => Column(column) + row.ToString(CultureInfo.InvariantCulture);

    private static string Column(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    private static Stylesheet Stylesheet() => new(
        new Fonts(new Font(new FontSize { Val = 11 }), new Font(new Bold(), new FontSize { Val = 11 })) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellStyleFormats(new CellFormat()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            // 22: m/d/yy h:mm, Excel's built-in date-time format.
            new CellFormat { NumberFormatId = 22, ApplyNumberFormat = true },
            new CellFormat { FontId = 1, ApplyFont = true }) { Count = 3 });
}
