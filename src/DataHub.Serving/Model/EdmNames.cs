using System.Globalization;
using System.Text;

namespace DataHub.Serving.Model;

/// <summary>
/// Turns zh-CN titles into CSDL SimpleIdentifiers (a letter or '_' first, then letters, digits,
/// marks and connectors; at most 128 characters). Chinese characters are letters, so most titles pass
/// unchanged. Names are unique ignoring case (EXCEL-ODATA.md rule 6): a clash gets a numeric suffix.
/// </summary>
internal sealed class EdmNames
{
    private const int MaxLength = 128;
    private readonly HashSet<string> taken = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A unique identifier for <paramref name="title"/>, falling back to <paramref name="fallback"/> when nothing usable remains.</summary>
    public string Claim(string title, string fallback)
    {
        var name = Sanitize(title);
        if (name.Trim('_').Length == 0) name = Sanitize(fallback);
        var candidate = name;
        for (var i = 2; !taken.Add(candidate); i++)
        {
            var suffix = "_" + i.ToString(CultureInfo.InvariantCulture);
            candidate = name[..Math.Min(name.Length, MaxLength - suffix.Length)] + suffix;
        }
        return candidate;
    }

    public static string Sanitize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.Trim().EnumerateRunes())
        {
            if (sb.Length == 0 && !IsStart(rune))
            {
                // A leading digit keeps its place behind an underscore; anything else becomes one.
                sb.Append('_');
                if (IsPart(rune)) sb.Append(rune.ToString());
                continue;
            }
            sb.Append(IsPart(rune) ? rune.ToString() : "_");
        }
        var name = sb.Length == 0 ? "_" : sb.ToString();
        return name.Length <= MaxLength ? name : name[..MaxLength];
    }

    private static bool IsStart(Rune r) => r.Value == '_' || Rune.GetUnicodeCategory(r) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;

    private static bool IsPart(Rune r) => IsStart(r) || Rune.GetUnicodeCategory(r) is
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
        or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.Format;
}
