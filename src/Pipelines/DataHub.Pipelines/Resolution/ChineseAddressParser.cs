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

    public static ParsedAddress Parse(string? text)
    {
        var rest = Normalize(text ?? "");
        string? province = null, city = null, district = null, street = null, community = null;

        foreach (var m in Municipalities)
        {
            if (rest.StartsWith(m, StringComparison.Ordinal)) { province = m; city = m; rest = rest[m.Length..]; break; }
        }
        province ??= Take(ProvinceRegex(), ref rest);
        if (city is null) city = Take(CityRegex(), ref rest);
        if (city is not null && rest.StartsWith("市辖区", StringComparison.Ordinal)) rest = rest[3..];
        district = Take(DistrictRegex(), ref rest);
        street = Take(StreetRegex(), ref rest);
        community = Take(CommunityRegex(), ref rest);

        string? road = null, door = null;
        var roadMatch = RoadDoorRegex().Match(rest);
        if (roadMatch.Success)
        {
            road = roadMatch.Groups["road"].Value;
            door = roadMatch.Groups["door"].Value + "号";
            rest = rest[roadMatch.Length..];
        }

        string? area = null, building = null, unit = null, room = null;
        var shorthand = ShorthandRegex().Match(rest);
        var place = PlaceRegex().Match(rest);
        if (shorthand.Success)
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
        else if (place.Success)
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

    /// <summary>Half-width, no white space or punctuation that varies between departments, Arabic numerals, one suffix per level.</summary>
    internal static string Normalize(string text)
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

    private static string? Take(Regex regex, ref string rest)
    {
        var m = regex.Match(rest);
        if (!m.Success) return null;
        rest = rest[m.Length..];
        return m.Value;
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

    [GeneratedRegex(@"^(?<area>.*?)((?<b>[0-9A-Z]{1,4})栋)?((?<u>[0-9]{1,3})单元)?((?<r>[0-9A-Z]{1,6})(室|号|户)?)?$")]
    private static partial Regex PlaceRegex();

    [GeneratedRegex(@"(?<n>[零〇一二三四五六七八九十]{1,3})(?<suffix>栋|幢|号楼|座|单元|楼|层|室)")]
    private static partial Regex ChineseNumeralRegex();

    [GeneratedRegex(@"(?<n>[0-9A-Z]{1,4})(幢|号楼|座)")]
    private static partial Regex BuildingSuffixRegex();
}
