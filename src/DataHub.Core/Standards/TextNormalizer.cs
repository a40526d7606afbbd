using System.Text;

namespace DataHub.Core.Standards;

/// <summary>Normalisations department exports need before any check: full-width forms, stray spaces.</summary>
public static class TextNormalizer
{
    /// <summary>Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space become half-width.</summary>
    public static string ToHalfWidth(string value)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (c is >= '\uFF01' and <= '\uFF5E' or '\u3000') { needs = true; break; }
        }
        if (!needs) return value;
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            });
        }
        return sb.ToString();
    }

    /// <summary>Removes every white-space character, including the ideographic space and NBSP.</summary>
    public static string RemoveWhiteSpace(string value)
    {
        // Runs once per mapped value: no LINQ (an enumerator and a delegate per call) on the common path.
        var first = -1;
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsWhiteSpace(value[i])) { first = i; break; }
        }
        if (first < 0) return value;
        var sb = new StringBuilder(value.Length);
        sb.Append(value, 0, first);
        for (var i = first + 1; i < value.Length; i++)
        {
            if (!char.IsWhiteSpace(value[i])) sb.Append(value[i]);
        }
        return sb.ToString();
    }

    /// <summary>Trim that also removes the ideographic space, NBSP and zero-width characters Excel leaves behind.</summary>
    public static string TrimAll(string value)
    {
        // One pass over both kinds: zero-width characters are not white space, so trimming them
        // after Trim() would leave a space that sat between one and the text ("\uFEFF 2024-01-05").
        static bool Invisible(char c) => char.IsWhiteSpace(c) || c is '\u200B' or '\uFEFF';
        int start = 0, end = value.Length;
        while (start < end && Invisible(value[start])) start++;
        while (end > start && Invisible(value[end - 1])) end--;
        return start == 0 && end == value.Length ? value : value[start..end];
    }
}
