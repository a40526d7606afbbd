using System.Text;

namespace DataHub.Simulators.Tests.Population;

/// <summary>
/// A tiny, strict RFC 4180 reader for checking generated files: records end in CRLF; a field holding a
/// comma, quote or line break must be quoted, quotes doubled. Anything else throws, so a field the
/// writer forgot to quote shows up as a <see cref="FormatException"/> instead of a shifted column.
/// </summary>
internal static class TestCsv
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var closedQuote = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else { inQuotes = false; closedQuote = true; }
                continue;
            }
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                closedQuote = false;
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                closedQuote = false;
                i++;
            }
            else if (closedQuote)
            {
                throw new FormatException($"Character after a closing quote at offset {i}.");
            }
            else if (c == '"')
            {
                if (field.Length > 0) throw new FormatException($"Quote inside an unquoted field at offset {i}.");
                inQuotes = true;
            }
            else if (c is '\r' or '\n')
            {
                throw new FormatException($"Line break outside quotes at offset {i}.");
            }
            else
            {
                field.Append(c);
            }
        }
        if (inQuotes) throw new FormatException("Unterminated quoted field at the end of the file.");
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }
        return records;
    }
}
