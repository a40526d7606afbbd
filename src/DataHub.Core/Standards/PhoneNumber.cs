using System.Text;

namespace DataHub.Core.Standards;

/// <summary>
/// Chinese phone numbers (<c>CN-PHONE</c>): a mobile (11 digits, normalised as <see cref="MobileNumber"/>)
/// or a landline: an area code (<c>010</c>, <c>02x</c>, or four digits <c>0xxx</c>) and a 7-8 digit
/// local number, optionally an extension; normalised to <c>025-84561234</c> or <c>025-84561234-801</c>.
/// Accepted forms include <c>025-84561234</c>, <c>(010)65432100</c>, <c>025 8456 1234</c>,
/// <c>02584561234</c>, <c>+86 25 84561234</c>, and extensions written <c>-801</c>, <c>转801</c> or <c>ext 801</c>.
/// Landlines matter: many elderly residents have no mobile, and they are the ones communities must reach.
/// </summary>
public static class PhoneNumber
{
    public static StandardResult Normalize(string raw)
    {
        var mobile = MobileNumber.Normalize(raw);
        if (mobile.IsOk) return mobile;
        return Landline(raw) is { } landline
            ? StandardResult.Ok(landline)
            : StandardResult.Fail("PHONE_FORMAT", "联系电话不是有效的手机号码（11位，1开头）或固定电话（区号+7至8位号码，可带分机号，如 025-84561234、(010)65432100、025-84561234-801）");
    }

    private static string? Landline(string raw)
    {
        var v = TextNormalizer.ToHalfWidth(raw).Trim().ToLowerInvariant();
        foreach (var ext in new[] { "转", "分机", "ext.", "ext", "x" }) v = v.Replace(ext, "-", StringComparison.Ordinal);
        // Parentheses around the area code and white space act as separators.
        var sb = new StringBuilder(v.Length);
        foreach (var c in v)
        {
            if (char.IsAsciiDigit(c)) sb.Append(c);
            else if (c is '-' or '(' or ')' or ' ' or '.' or '/' || char.IsWhiteSpace(c)) sb.Append('-');
            else if (c == '+' && sb.Length == 0) sb.Append('+');
            else return null;
        }
        var parts = sb.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (parts.Count == 0) return null;
        if (parts[0].StartsWith("+86", StringComparison.Ordinal)) parts[0] = "0" + parts[0][3..];
        else if (parts[0].StartsWith("0086", StringComparison.Ordinal)) parts[0] = "0" + parts[0][4..];
        if (parts[0] == "0") parts.RemoveAt(0); // "+86 25 …" became "0", "25", …
        if (parts.Count > 0 && parts[0].Length is 2 or 3 && !parts[0].StartsWith('0')) parts[0] = "0" + parts[0];
        if (parts.Count == 0 || parts.Any(p => p.StartsWith('+'))) return null;

        string area, local;
        string? extension = null;
        if (parts.Count == 1 || (parts[0].Length > 4 && parts.Count == 2))
        {
            // Area code and number written together: the area code's length follows from its digits.
            var all = parts[0];
            if (!all.StartsWith('0')) return null;
            var areaLength = all.Length > 1 && all[1] is '1' or '2' ? 3 : 4;
            if (all.Length <= areaLength) return null;
            area = all[..areaLength];
            local = all[areaLength..];
            if (parts.Count == 2) extension = parts[1];
        }
        else
        {
            area = parts[0];
            var rest = parts.Skip(1).ToList();
            // "025 8456 1234": the local number written in two groups.
            if (rest.Count >= 2 && rest[0].Length is 3 or 4 && rest[1].Length == 4)
            {
                rest[0] += rest[1];
                rest.RemoveAt(1);
            }
            if (rest.Count > 2) return null;
            local = rest[0];
            extension = rest.Count == 2 ? rest[1] : null;
        }
        if (!IsAreaCode(area) || local.Length is not (7 or 8) || local[0] is '0' or '1') return null;
        if (extension is not null && extension.Length is < 1 or > 6) return null;
        return extension is null ? $"{area}-{local}" : $"{area}-{local}-{extension}";
    }

    /// <summary>010 (Beijing) and 020-029 are three digits; every other area code is 0 plus three digits, the second 3-9.</summary>
    private static bool IsAreaCode(string a) =>
        a.Length == 3 ? a[0] == '0' && a[1] is '1' or '2' && (a[1] != '1' || a[2] == '0')
        : a.Length == 4 && a[0] == '0' && a[1] is >= '3' and <= '9';
}
