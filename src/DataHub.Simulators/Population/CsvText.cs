using System.Buffers;
using System.Text;

namespace DataHub.Simulators.Population;

/// <summary>RFC 4180 field quoting: a field holding a comma, quote, CR or LF is quoted, quotes doubled.</summary>
internal static class CsvText
{
    private static readonly SearchValues<char> Special = SearchValues.Create(",\"\r\n");

    public static void AppendField(StringBuilder sb, string value)
    {
        if (value.AsSpan().IndexOfAny(Special) < 0)
        {
            sb.Append(value);
            return;
        }
        sb.Append('"');
        foreach (var c in value)
        {
            if (c == '"') sb.Append('"');
            sb.Append(c);
        }
        sb.Append('"');
    }
}
