using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Excel;

/// <summary>
/// How a sheet is laid out as departments make them: title and note rows above the header, a
/// header of one or two rows (merged group cells above the column names, joined as 上级/下级),
/// hidden columns. Decided from the first rows and the sheet's merged ranges.
/// </summary>
internal sealed record ExcelLayout(int LastHeaderRow, IReadOnlyList<SourceColumn> Columns, int[] ExcelColumns, IReadOnlyList<string> Notes)
{
    public static ExcelLayout Decide(ExcelOptions options, ExcelWorkbook book, IReadOnlyList<ExcelRow> firstRows,
        IReadOnlySet<int> hidden, IReadOnlyList<MergedRange> merges)
    {
        var where = $"{options.FilePath} 工作表“{book.SheetName}”";
        if (firstRows.Count == 0)
            throw new ConnectorException(ConnectorFailure.Data, "EXCEL_SHEET_EMPTY", $"工作表“{book.SheetName}”是空的", where,
                $"确认数据在这个工作表里；要读别的工作表请设置 {ExcelOptions.SheetOption}");
        var header = options.HeaderRow is { } fixedRow
            ? firstRows.FirstOrDefault(r => r.Number == fixedRow)
                ?? throw new ConnectorException(ConnectorFailure.Config, "EXCEL_HEADER_ROW_EMPTY", $"第{fixedRow}行是空行，不能作表头", where,
                    $"把 {ExcelOptions.HeaderRowOption} 改为表头所在的行号，或写 auto 自动识别")
            : FindHeader(firstRows) ?? throw new ConnectorException(ConnectorFailure.Data, "EXCEL_NO_HEADER",
                $"在前 {ExcelOptions.HeaderSearchRows} 行中找不到表头（至少两列都有文字的一行）", where,
                $"用 {ExcelOptions.HeaderRowOption} 指定表头所在行号");

        // A group cell merged across columns, or a name merged down a row, means a two-row header.
        var inHeader = merges.Where(m => m.FirstRow == header.Number && (m.LastColumn > m.FirstColumn || m.LastRow > m.FirstRow)).ToList();
        var headerRows = options.HeaderRows ?? (inHeader.Count > 0 ? 2 : 1);
        var rows = firstRows.Where(r => r.Number >= header.Number && r.Number < header.Number + headerRows).ToList();
        var lastHeaderRow = header.Number + headerRows - 1;

        var names = new SortedDictionary<int, List<string>>();
        foreach (var row in rows)
        {
            foreach (var cell in row.Cells)
                Part(names, cell.Column, Text(cell.Value));
        }
        // A merged header cell lends its text to every column (and row) it covers.
        foreach (var m in merges.Where(m => m.FirstRow >= header.Number && m.FirstRow <= lastHeaderRow))
        {
            var origin = rows.FirstOrDefault(r => r.Number == m.FirstRow)?.Cells.FirstOrDefault(c => c.Column == m.FirstColumn);
            if (origin is null) continue;
            for (var c = m.FirstColumn + 1; c <= m.LastColumn; c++) Part(names, c, Text(origin.Value.Value), before: true);
        }

        var columns = new List<SourceColumn>();
        var excelColumns = new List<int>();
        var notes = new List<string>();
        var skippedHidden = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (column, parts) in names)
        {
            var name = string.Join("/", parts.Distinct(StringComparer.Ordinal));
            if (hidden.Contains(column) && !options.ReadHiddenColumns)
            {
                skippedHidden.Add($"{ExcelSheetReader.ColumnName(column)}列（{name}）");
                continue;
            }
            if (!seen.Add(name)) name = $"{name}（{ExcelSheetReader.ColumnName(column)}列）";
            seen.Add(name);
            excelColumns.Add(column);
            columns.Add(new SourceColumn(name, columns.Count + 1, TypeOf(firstRows.Where(r => r.Number > lastHeaderRow), column)));
        }
        if (skippedHidden.Count > 0)
            notes.Add($"工作表“{book.SheetName}”的隐藏列已跳过：{string.Join("、", skippedHidden)}（要读取请设置 {ExcelOptions.HiddenColumnsOption}: read）");
        if (header.Number > 1) notes.Add($"表头在第{header.Number}行{(headerRows > 1 ? $"至第{lastHeaderRow}行（两行表头已合并为“上级/下级”列名）" : "")}，其上的标题、说明行未读取");
        return new ExcelLayout(lastHeaderRow, columns, [.. excelColumns], notes);
    }

    /// <summary>The first row with at least two text cells and at least half as many cells as the fullest of the first rows: title and note rows have one.</summary>
    private static ExcelRow? FindHeader(IReadOnlyList<ExcelRow> rows)
    {
        var widest = rows.Max(r => r.Cells.Count);
        return rows.FirstOrDefault(r => r.Cells.Count >= Math.Max(2, (widest + 1) / 2) && r.Cells.Count(c => c.Value is string) * 2 > r.Cells.Count);
    }

    private static void Part(SortedDictionary<int, List<string>> names, int column, string text, bool before = false)
    {
        if (text.Length == 0) return;
        if (!names.TryGetValue(column, out var parts)) names[column] = parts = [];
        if (before) parts.Insert(0, text);
        else parts.Add(text);
    }

    // Header cells often hold line breaks (联系\n电话); Chinese names need no space where they were.
    private static string Text(object value) => (value is string s ? s : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "")
        .Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();

    private static string? TypeOf(IEnumerable<ExcelRow> dataRows, int column)
    {
        foreach (var row in dataRows)
        {
            foreach (var cell in row.Cells)
            {
                if (cell.Column == column)
                    return cell.Value switch { string => "text", DateTime => "date", bool => "boolean", _ => "number" };
            }
        }
        return null;
    }
}
