using System.Text;
using System.Text.RegularExpressions;
using DataHub.Core.Standards;

namespace DataHub.Pipelines.Resolution;

/// <summary>
/// Splits the free-text addresses departments keep ("江苏省南京市栖霞区马群街道仙林大道88号
/// 青马小区3幢二单元1502室", "仙林大道88号3-2-1502") into the levels of the standard address.
/// Rule-based and deterministic: it reads the administrative levels from the left by their suffixes,
/// then road and door number, then residential area, building, unit and room (also in the common
/// 栋-单元-室 shorthand). What it cannot place stays null; the matcher decides how certain a match is.
/// </summary>
public static partial class ChineseAddressParser
{
    private static readonly string[] Municipalities = ["北京市", "上海市", "天津市", "重庆市"];

    public static ParsedAddress Parse(string? text) => ParseNormalized(Normalize(text ?? ""));

    /// <summary>
    /// <see cref="Parse"/> of a text already passed through <see cref="Normalize"/> (the matcher
    /// normalises once for the exact-text lookup and parses the same string). The administrative
    /// levels are taken by index over the one string, without a substring or a match object each.
    /// </summary>
    internal static ParsedAddress ParseNormalized(string normalized)
    {
        var at = 0;
        string? province = null, city = null, district = null, street = null, community = null;

        foreach (var m in Municipalities)
        {
            if (normalized.AsSpan(at).StartsWith(m, StringComparison.Ordinal)) { province = m; city = m; at += m.Length; break; }
        }
        province ??= Take(ProvinceRegex(), normalized, ref at);
        if (city is null) city = Take(CityRegex(), normalized, ref at);
        if (city is not null && normalized.AsSpan(at).StartsWith("市辖区", StringComparison.Ordinal)) at += 3;
        district = Take(DistrictRegex(), normalized, ref at);
        street = Take(StreetRegex(), normalized, ref at);
        community = Take(CommunityRegex(), normalized, ref at);
        var rest = at == 0 ? normalized : normalized[at..];

        string? road = null, door = null;
        // A door number ends in 号: without one the pattern cannot match, and most estate addresses have none.
        if (rest.Contains('号') && RoadDoorRegex().Match(rest) is { Success: true } roadMatch)
        {
            road = roadMatch.Groups["road"].Value;
            door = roadMatch.Groups["door"].Value + "号";
            rest = rest[roadMatch.Length..];
        }

        string? area = null, building = null, unit = null, room = null;
        // The shorthand (3-2-1502) needs a dash; the full form is read by hand (ReadPlace) unless a line break is left.
        if (rest.Contains('-') && ShorthandRegex().Match(rest) is { Success: true } shorthand)
        {
            area = NullIfEmpty(shorthand.Groups["area"].Value);
            building = shorthand.Groups["b"].Value + "栋";
            if (shorthand.Groups["r"].Success)
            {
                unit = shorthand.Groups["u"].Value + "单元";
                room = shorthand.Groups["r"].Value;
            }
            else
            {
                room = shorthand.Groups["u"].Value;
            }
        }
        else if (!rest.Contains('\n'))
        {
            ReadPlace(rest, out area, out building, out unit, out room);
        }
        else if (PlaceRegex().Match(rest) is { Success: true } place)
        {
            area = NullIfEmpty(place.Groups["area"].Value);
            building = place.Groups["b"].Success && place.Groups["b"].Value.Length > 0 ? place.Groups["b"].Value + "栋" : null;
            unit = place.Groups["u"].Success && place.Groups["u"].Value.Length > 0 ? place.Groups["u"].Value + "单元" : null;
            room = NullIfEmpty(place.Groups["r"].Value);
        }
        else
        {
            area = NullIfEmpty(rest);
        }

        return new ParsedAddress(province, city, district, street, community, road, door, area, building, unit, room);
    }

    /// <summary>
    /// <see cref="PlaceRegex"/> read by hand, with the same result: the estate is the shortest
    /// beginning after which the rest is (building 栋)(unit 单元)(room 室|号|户), each part optional.
    /// The pattern tried that rest at every length of the estate with backtracking, most of a parse's
    /// time; here each part is decided by the character after its run of digits and letters, which is
    /// the only way the pattern can match (栋, 单元, 室/号/户 and the end are not digits or letters).
    /// The text has no line break (the pattern's <c>.</c> and <c>$</c> treat one specially).
    /// </summary>
    internal static void ReadPlace(string rest, out string? area, out string? building, out string? unit, out string? room)
    {
        for (var start = 0; ; start++)
        {
            if (!PlaceTail(rest, start, out var b, out var u, out var r)) continue;
            area = NullIfEmpty(rest[..start]);
            building = b.Length > 0 ? string.Concat(rest.AsSpan(b.Start, b.Length), "栋") : null;
            unit = u.Length > 0 ? string.Concat(rest.AsSpan(u.Start, u.Length), "单元") : null;
            room = r.Length > 0 ? rest.Substring(r.Start, r.Length) : null;
            return;
        }
    }

    /// <summary>Whether <c>(B栋)?(U单元)?(R(室|号|户)?)?$</c> matches <paramref name="text"/> from <paramref name="at"/>, with its parts.</summary>
    private static bool PlaceTail(string text, int at, out (int Start, int Length) building, out (int Start, int Length) unit, out (int Start, int Length) room)
    {
        building = unit = room = default;
        var p = at;
        var run = Run(text, p, digitsOnly: false);
        if (run is >= 1 and <= 4 && p + run < text.Length && text[p + run] == '栋')
        {
            building = (p, run);
            p += run + 1;
        }
        var digits = Run(text, p, digitsOnly: true);
        if (digits is >= 1 and <= 3 && p + digits + 1 < text.Length && text[p + digits] == '单' && text[p + digits + 1] == '元')
        {
            unit = (p, digits);
            p += digits + 2;
        }
        run = Run(text, p, digitsOnly: false);
        if (run == 0) return p == text.Length;
        var end = p + run;
        if (run > 6 || !(end == text.Length || (end + 1 == text.Length && text[end] is '室' or '号' or '户'))) return false;
        room = (p, run);
        return true;
    }

    /// <summary>How many characters from <paramref name="at"/> are [0-9A-Z] (or [0-9]).</summary>
    private static int Run(string text, int at, bool digitsOnly)
    {
        var i = at;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || (!digitsOnly && char.IsAsciiLetterUpper(text[i])))) i++;
        return i - at;
    }

    /// <summary>Half-width, no white space or punctuation that varies between departments, Arabic numerals, one suffix per level.</summary>
    internal static string Normalize(string text) => NeedsNormalizing(text) ? Rewrite(text) : text;

    /// <summary>
    /// Whether any step of <see cref="Rewrite"/> would change the text. Most addresses are already
    /// clean (half-width digits, 栋/单元/室, no spaces or quotes): for them every step is a no-op, and
    /// one scan over the characters replaces a dozen replacements, two regex passes and a copy.
    /// </summary>
    private static bool NeedsNormalizing(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                // ASCII: '#', ',', the quotes, white space and lower-case letters are rewritten.
                if (c is '#' or ',' or '"' or '\'' || c is >= 'a' and <= 'z' || char.IsWhiteSpace(c)) return true;
                continue;
            }
            if (char.IsWhiteSpace(c) || char.IsSurrogate(c) || char.ToUpperInvariant(c) != c) return true;
            if (c is >= '\uFF01' and <= '\uFF5E') return true; // full-width forms
            if (RewrittenCharacters.Contains(c)) return true;
        }
        return false;
    }

    /// <summary>Non-ASCII characters that a step of <see cref="Rewrite"/> matches: brackets, dashes, commas, quotes, Chinese numerals, building suffixes.</summary>
    private static readonly System.Buffers.SearchValues<char> RewrittenCharacters =
        System.Buffers.SearchValues.Create("（）—－，“”‘’「」『』零〇一二三四五六七八九十幢楼座");

    internal static string Rewrite(string text)
    {
        var s = TextNormalizer.RemoveWhiteSpace(TextNormalizer.ToHalfWidth(text));
        s = s.Replace("（", "(", StringComparison.Ordinal).Replace("）", ")", StringComparison.Ordinal)
            .Replace("—", "-", StringComparison.Ordinal).Replace("－", "-", StringComparison.Ordinal)
            .Replace("#", "栋", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal)
            .Replace("，", "", StringComparison.Ordinal);
        // Quotation marks typed around an estate or road name carry nothing.
        foreach (var quote in "\"'“”‘’「」『』") s = s.Replace(quote.ToString(), "", StringComparison.Ordinal);
        s = ChineseNumeralRegex().Replace(s, m => ChineseNumber(m.Groups["n"].Value) + m.Groups["suffix"].Value);
        s = BuildingSuffixRegex().Replace(s, m => m.Groups["n"].Value + "栋");
        s = s.ToUpperInvariant();
        return s;
    }

    /// <summary>The level an anchored pattern matches at <paramref name="at"/>, which moves past it; null when it does not match there.</summary>
    private static string? Take(Regex regex, string text, ref int at)
    {
        // The span starts at the cursor, so the pattern's ^ anchors there exactly as on the rest of the text.
        foreach (var m in regex.EnumerateMatches(text.AsSpan(at)))
        {
            var value = text.Substring(at + m.Index, m.Length);
            at += m.Index + m.Length;
            return value;
        }
        return null;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>一 to 九十九 (and 〇/零 digits) as Arabic numerals; building, unit and floor numbers never go higher in words.</summary>
    internal static string ChineseNumber(string words)
    {
        const string digits = "零一二三四五六七八九";
        if (words.All(c => digits.Contains(c, StringComparison.Ordinal) || c == '〇'))
        {
            var sb = new StringBuilder();
            foreach (var c in words) sb.Append(c == '〇' ? 0 : digits.IndexOf(c, StringComparison.Ordinal));
            return sb.ToString();
        }
        var ten = words.IndexOf('十', StringComparison.Ordinal);
        var tens = ten switch { < 0 => 0, 0 => 1, _ => digits.IndexOf(words[0], StringComparison.Ordinal) };
        var units = ten < 0 ? digits.IndexOf(words[^1], StringComparison.Ordinal) : ten == words.Length - 1 ? 0 : digits.IndexOf(words[^1], StringComparison.Ordinal);
        return (tens * 10 + units).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^.{2,7}?(省|自治区)")]
    private static partial Regex ProvinceRegex();

    [GeneratedRegex(@"^.{1,7}?(市|自治州|地区|盟)(?!场|区)")]
    private static partial Regex CityRegex();

    [GeneratedRegex(@"^.{1,7}?((?<![小园校景厂矿营片])区|县|旗)(?!域)")]
    private static partial Regex DistrictRegex();

    [GeneratedRegex(@"^.{1,8}?(街道|镇|乡)(?!区)")]
    private static partial Regex StreetRegex();

    [GeneratedRegex(@"^.{1,10}?(社区居委会|社区居民委员会|社区|村委会|村民委员会)")]
    private static partial Regex CommunityRegex();

    [GeneratedRegex(@"^(?<road>.{1,15}?(大道|大街|路|街|巷|胡同|弄|道))(?<door>[0-9]+(-[0-9]+)?)号")]
    private static partial Regex RoadDoorRegex();

    [GeneratedRegex(@"^(?<area>.*?)(?<b>[0-9A-Z]{1,4})-(?<u>[0-9]{1,4})(-(?<r>[0-9]{1,5}))?(室|号)?$")]
    private static partial Regex ShorthandRegex();

    /// <summary>The place part's grammar, which <see cref="ReadPlace"/> reads by hand; used as written only for a text with a line break.</summary>
    [GeneratedRegex(@"^(?<area>.*?)((?<b>[0-9A-Z]{1,4})栋)?((?<u>[0-9]{1,3})单元)?((?<r>[0-9A-Z]{1,6})(室|号|户)?)?$")]
    internal static partial Regex PlaceRegex();

    [GeneratedRegex(@"(?<n>[零〇一二三四五六七八九十]{1,3})(?<suffix>栋|幢|号楼|座|单元|楼|层|室)")]
    private static partial Regex ChineseNumeralRegex();

    [GeneratedRegex(@"(?<n>[0-9A-Z]{1,4})(幢|号楼|座)")]
    private static partial Regex BuildingSuffixRegex();
}
