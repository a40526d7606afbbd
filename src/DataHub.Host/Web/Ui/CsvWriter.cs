using System.Text;

namespace DataHub.Host.Web.Ui;

/// <summary>
/// CSV for Excel: UTF-8 with a BOM (so Excel reads Chinese correctly), RFC 4180 quoting, and cells
/// that Excel would run as a formula (= + - @ tab CR) prefixed with an apostrophe.
/// </summary>
internal static class CsvWriter
{
    public static string Row(IEnumerable<string?> cells) => string.Join(',', cells.Select(Cell)) + "\r\n";

    public static byte[] Document(IEnumerable<string> rows)
    {
        var sb = new StringBuilder();
        foreach (var row in rows) sb.Append(row);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    public static string Cell(string? value)
    {
        value ??= "";
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
