using System.Text;
using System.Text.RegularExpressions;

namespace DataHub.Catalog.Audit;

/// <summary>
/// What of a request may go into the audit: the path and the query options as the caller wrote
/// them, minus anything secret or personal. API keys are dropped (every spelling: <c>api_key</c>,
/// <c>API_KEY</c>, <c>apiKey</c>…); <c>$skiptoken</c> is replaced (it carries sort values of rows);
/// literal values in <c>$filter</c>, <c>$apply</c> and key segments become <c>***</c> and
/// <c>$search</c> is replaced whole, so <c>姓名 eq '张三'</c> is stored as <c>姓名 eq '***'</c>.
/// The shape of the query (which fields, which operators) stays: that is what an auditor needs.
/// </summary>
public static partial class AuditRedaction
{
    public const string Redacted = "***";

    /// <summary>The audit form of a request path and its raw (percent-encoded) query string, with or without the leading '?'.</summary>
    public static string Redact(string path, string? rawQuery)
    {
        var sb = new StringBuilder(RedactLiterals(Uri.UnescapeDataString(path)));
        var query = (rawQuery ?? "").TrimStart('?');
        var first = true;
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? null : Decode(part[(eq + 1)..]);
            if (IsApiKeyName(name)) continue;
            var kept = name.ToLowerInvariant() switch
            {
                "$skiptoken" or "$search" => Redacted,
                "$filter" or "$apply" or "$compute" => value is null ? null : RedactLiterals(value),
                _ => value,
            };
            sb.Append(first ? '?' : '&').Append(name);
            if (kept is not null) sb.Append('=').Append(kept);
            first = false;
        }
        return sb.ToString();
    }

    /// <summary>
    /// Whether a query parameter carries an API key. One rule for authentication and stripping:
    /// case, '_' and '-' are ignored, so <c>api_key</c>, <c>API_KEY</c>, <c>Api-Key</c> and <c>apikey</c> all count.
    /// </summary>
    public static bool IsApiKeyName(string name)
    {
        Span<char> buffer = stackalloc char[16];
        var n = 0;
        foreach (var c in name)
        {
            if (c is '_' or '-') continue;
            if (n == buffer.Length) return false;
            buffer[n++] = char.ToLowerInvariant(c);
        }
        return buffer[..n].SequenceEqual("apikey");
    }

    /// <summary>Replaces string, number, date and GUID literals of an OData expression by <c>***</c>.</summary>
    public static string RedactLiterals(string expression)
    {
        var s = StringLiteral().Replace(expression, "'" + Redacted + "'");
        s = GuidLiteral().Replace(s, Redacted);
        return NumberLiteral().Replace(s, Redacted);
    }

    private static string Decode(string s)
    {
        try
        {
            return Uri.UnescapeDataString(s.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return s;
        }
    }

    [GeneratedRegex("'(?:[^']|'')*'?", RegexOptions.CultureInvariant)]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", RegexOptions.CultureInvariant)]
    private static partial Regex GuidLiteral();

    // A literal starts with a digit (optionally signed) where no identifier is running; it runs on
    // through date, time and exponent characters (2024-01-31T08:00:00+08:00, 1.5e3, 12m).
    [GeneratedRegex(@"(?<![\p{L}\p{N}_.*])-?\d[\p{L}\p{N}:.+\-]*", RegexOptions.CultureInvariant)]
    private static partial Regex NumberLiteral();
}
