using System.Xml;
using DocumentFormat.OpenXml.Packaging;

namespace DataHub.Connectors.Excel;

/// <summary>Which cell styles show a number as a date: Excel keeps dates as serial numbers and only the format says so.</summary>
internal static class ExcelDateFormats
{
    /// <summary>Built-in number formats that are dates or times, including the CJK ones (27–36, 50–58: 2024年1月5日 and the like).</summary>
    private static bool IsBuiltInDate(int id) => id is (>= 14 and <= 22) or (>= 27 and <= 36) or (>= 45 and <= 47) or (>= 50 and <= 58);

    public static bool[] DateStyles(WorkbookStylesPart? part)
    {
        if (part is null) return [];
        var custom = new Dictionary<int, bool>();
        var styles = new List<bool>();
        using var reader = XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var inCellXfs = false;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "cellXfs") inCellXfs = false;
            if (reader.NodeType != XmlNodeType.Element) continue;
            switch (reader.LocalName)
            {
                case "numFmt" when int.TryParse(reader.GetAttribute("numFmtId"), out var id):
                    custom[id] = IsDateFormat(reader.GetAttribute("formatCode") ?? "");
                    break;
                case "cellXfs":
                    inCellXfs = !reader.IsEmptyElement;
                    break;
                case "xf" when inCellXfs:
                    var fmt = int.TryParse(reader.GetAttribute("numFmtId"), out var f) ? f : 0;
                    styles.Add(custom.TryGetValue(fmt, out var isDate) ? isDate : IsBuiltInDate(fmt));
                    break;
            }
        }
        return [.. styles];
    }

    /// <summary>A custom format is a date when, outside quoted text, escapes and [colour] sections, it has y, d, h or s (m alone is ambiguous but never appears in number formats either).</summary>
    public static bool IsDateFormat(string code)
    {
        var inQuote = false;
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c == '"') inQuote = !inQuote;
            else if (inQuote) continue;
            else if (c == '\\' || c == '_' || c == '*') i++;
            else if (c == '[')
            {
                var end = code.IndexOf(']', i);
                var section = end < 0 ? "" : code[(i + 1)..end].ToLowerInvariant();
                if (section is "h" or "hh" or "m" or "mm" or "s" or "ss") return true; // elapsed time
                i = end < 0 ? code.Length : end;
            }
            else if (char.ToLowerInvariant(c) is 'y' or 'd' or 'h' or 's' or 'm' && !IsGeneral(code)) return true;
        }
        return false;
    }

    private static bool IsGeneral(string code) => code.Equals("General", StringComparison.OrdinalIgnoreCase);
}
