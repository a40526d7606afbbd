using System.Globalization;
using System.Xml;

namespace DataHub.Connectors.Excel;

/// <summary>One cell as read: its 0-based column and its value (string, DateTime or bool).</summary>
internal readonly record struct ExcelCell(int Column, object Value);

/// <summary>One sheet row: its Excel row number (1-based) and its non-empty cells in column order.</summary>
internal sealed record ExcelRow(int Number, IReadOnlyList<ExcelCell> Cells);

/// <summary>A merged range, 1-based rows and 0-based columns, as the sheet's &lt;mergeCells&gt; declares it.</summary>
internal readonly record struct MergedRange(int FirstRow, int FirstColumn, int LastRow, int LastColumn);

/// <summary>
/// Reads a sheet's XML forward. The first pass (<see cref="ReadLayout"/>) only collects hidden
/// columns (declared before the cells) and merged ranges (declared after them, which is why a
/// pass is needed before the header can be understood); it skips the cells without decoding them.
/// </summary>
internal sealed class ExcelSheetReader : IDisposable
{
    private readonly XmlReader _xml;
    private readonly ExcelWorkbook _book;
    private int _lastRow;
    private bool _inSheetData;
    private bool _done;

    public ExcelSheetReader(ExcelWorkbook book)
    {
        _book = book;
        _xml = book.OpenSheet();
    }

    public static (IReadOnlySet<int> HiddenColumns, IReadOnlyList<MergedRange> Merges) ReadLayout(ExcelWorkbook book)
    {
        var hidden = new HashSet<int>();
        var merges = new List<MergedRange>();
        using var xml = book.OpenSheet();
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element) continue;
            switch (xml.LocalName)
            {
                case "col" when xml.GetAttribute("hidden") is "1" or "true":
                    if (int.TryParse(xml.GetAttribute("min"), out var min) && int.TryParse(xml.GetAttribute("max"), out var max))
                    {
                        for (var c = min; c <= Math.Min(max, 16384); c++) hidden.Add(c - 1);
                    }
                    break;
                case "sheetData":
                    xml.Skip();
                    break;
                case "mergeCell" when xml.GetAttribute("ref") is { } reference && TryParseRange(reference, out var range):
                    merges.Add(range);
                    break;
            }
        }
        return (hidden, merges);
    }

    /// <summary>The next row with at least one cell, or null at the end of the sheet.</summary>
    public ExcelRow? ReadRow()
    {
        if (_done) return null;
        while (_xml.Read())
        {
            if (_xml.NodeType == XmlNodeType.EndElement && _xml.LocalName == "sheetData")
            {
                _done = true;
                return null;
            }
            if (_xml.NodeType != XmlNodeType.Element) continue;
            if (!_inSheetData)
            {
                if (_xml.LocalName == "sheetData")
                {
                    _inSheetData = true;
                    if (_xml.IsEmptyElement) break;
                }
                continue;
            }
            if (_xml.LocalName != "row") continue;
            var number = int.TryParse(_xml.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : _lastRow + 1;
            _lastRow = number;
            if (_xml.IsEmptyElement) continue;
            var cells = ReadCells();
            if (cells.Count > 0) return new ExcelRow(number, cells);
        }
        _done = true;
        return null;
    }

    private List<ExcelCell> ReadCells()
    {
        var cells = new List<ExcelCell>();
        var depth = _xml.Depth;
        var nextColumn = 0;
        while (_xml.Read())
        {
            if (_xml.NodeType == XmlNodeType.EndElement && _xml.Depth == depth) break;
            if (_xml.NodeType != XmlNodeType.Element || _xml.LocalName != "c") continue;
            var column = _xml.GetAttribute("r") is { } reference ? ColumnOf(reference) : nextColumn;
            nextColumn = column + 1;
            var type = _xml.GetAttribute("t");
            var style = int.TryParse(_xml.GetAttribute("s"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
            if (_xml.IsEmptyElement) continue;
            string? raw = null;
            var cellDepth = _xml.Depth;
            // ReadElementContentAsString and Skip already move to the next node: only Read otherwise.
            var more = _xml.Read();
            while (more && !(_xml.NodeType == XmlNodeType.EndElement && _xml.Depth == cellDepth))
            {
                if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName == "v") raw = _xml.ReadElementContentAsString();
                else if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName == "is") raw = InlineText();
                else if (_xml.NodeType == XmlNodeType.Element) _xml.Skip();
                else more = _xml.Read();
            }
            if (raw is null) continue;
            var value = Value(type, raw, style);
            if (value is string text && string.IsNullOrWhiteSpace(text)) continue;
            cells.Add(new ExcelCell(column, value));
        }
        return cells;
    }

    /// <summary>The text of an &lt;is&gt; element; leaves the reader after its end.</summary>
    private string InlineText() => ExcelText.ReadRuns(_xml);

    /// <summary>
    /// Shared strings and text stay text (numbers stored as text keep their leading zeros); a number
    /// in a date style becomes a DateTime; other numbers keep the digits Excel wrote.
    /// </summary>
    private object Value(string? type, string raw, int style)
    {
        switch (type)
        {
            case "s":
                return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < _book.SharedStrings.Count ? _book.SharedStrings[i] : raw;
            case "b":
                return raw == "1";
            case "str" or "inlineStr" or "e":
                return raw;
            case "d":
                return DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : raw;
        }
        if (style < _book.DateStyles.Length && _book.DateStyles[style]
            && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is >= 1 and < 2958466)
            return DateTime.FromOADate(serial);
        // A number: decimal keeps the digits Excel stored (an integer stays an integer). Excel writes
        // 0.1+0.2 as 0.30000000000000004; fifteen significant digits is what it shows.
        if (raw.Length > 15 && raw.Contains('.', StringComparison.Ordinal) && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var x))
            raw = x.ToString("G15", CultureInfo.InvariantCulture);
        return decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : raw;
    }

    /// <summary>0-based column of a reference such as <c>AB12</c>.</summary>
    public static int ColumnOf(string reference)
    {
        var column = 0;
        foreach (var ch in reference)
        {
            if (ch is >= 'A' and <= 'Z') column = column * 26 + (ch - 'A' + 1);
            else if (ch is >= 'a' and <= 'z') column = column * 26 + (ch - 'a' + 1);
            else break;
        }
        return column - 1;
    }

    private static int RowOf(string reference)
    {
        var digits = reference.AsSpan().TrimStart("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$");
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 0;
    }

    public static string ColumnName(int column)
    {
        var name = "";
        for (var n = column + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    private static bool TryParseRange(string reference, out MergedRange range)
    {
        var parts = reference.Split(':');
        range = default;
        if (parts.Length != 2) return false;
        range = new MergedRange(RowOf(parts[0]), ColumnOf(parts[0]), RowOf(parts[1]), ColumnOf(parts[1]));
        return range.FirstRow > 0 && range.LastRow >= range.FirstRow && range.LastColumn >= range.FirstColumn;
    }

    public void Dispose() => _xml.Dispose();
}
