using System.Globalization;
using System.Text;
using DataHub.Connectors.Abstractions;
using DataHub.Core.Standards;

namespace DataHub.Connectors.Csv;

/// <summary>Turns the header line into columns: names cleaned the way department exports need, checked for duplicates.</summary>
internal static class CsvHeader
{
    /// <summary>
    /// A header cell as a column name: full-width ASCII to half-width ("联系电话（手机）" becomes
    /// "联系电话(手机)"), every white-space character removed (also inside: "身份 证号" becomes
    /// "身份证号") and format characters such as the BOM and zero-width spaces dropped.
    /// </summary>
    public static string NormalizeName(string raw)
    {
        var name = TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(raw));
        if (!name.Any(IsFormatChar)) return name;
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (!IsFormatChar(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The columns for a header record; an empty cell becomes "列{n}".</summary>
    /// <exception cref="ConnectorException">Two columns have the same name after normalisation (Data, <c>CSV_DUPLICATE_HEADER</c>).</exception>
    public static IReadOnlyList<SourceColumn> ToColumns(IReadOnlyList<string> cells, long line, string where)
    {
        var columns = new SourceColumn[cells.Count];
        // Case-insensitive: the lake's SQL engine does not tell "Name" from "name".
        var seen = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < cells.Count; i++)
        {
            var name = NormalizeName(cells[i]);
            if (name.Length == 0) name = $"列{i + 1}";
            columns[i] = new SourceColumn(name, i + 1);
            if (!seen.TryGetValue(name, out var ordinals)) seen[name] = ordinals = [];
            ordinals.Add(i + 1);
        }

        var duplicates = seen.Where(p => p.Value.Count > 1).ToList();
        if (duplicates.Count > 0)
        {
            var list = string.Join("；", duplicates.Select(d =>
                $"“{columns[d.Value[0] - 1].Name}”（{string.Join("、", d.Value.Select(o => $"第{o}列"))}）"));
            throw new ConnectorException(ConnectorFailure.Data, "CSV_DUPLICATE_HEADER",
                $"表头中有重复的列名：{list}",
                $"{where} 第{line}行（表头）",
                "修改表头，使每一列的名称都不相同（比较时不计空格、全角半角和大小写）");
        }
        return columns;
    }

    private static bool IsFormatChar(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
