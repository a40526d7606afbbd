namespace DataHub.Core.Standards;

/// <summary>Mainland mobile numbers: 11 digits starting 1[3-9]; +86, spaces and dashes removed.</summary>
public static class MobileNumber
{
    public static StandardResult Normalize(string raw)
    {
        var v = TextNormalizer.ToHalfWidth(raw);
        v = string.Concat(v.Where(c => c is not (' ' or '-' or '(' or ')') && !char.IsWhiteSpace(c)));
        if (v.StartsWith("+86", StringComparison.Ordinal)) v = v[3..];
        else if (v.StartsWith("0086", StringComparison.Ordinal)) v = v[4..];
        else if (v.Length == 13 && v.StartsWith("86", StringComparison.Ordinal)) v = v[2..];
        if (v.Length == 11 && v[0] == '1' && v[1] is >= '3' and <= '9' && v.All(char.IsAsciiDigit))
            return StandardResult.Ok(v);
        return StandardResult.Fail("PHONE_FORMAT", "联系电话不是有效的11位手机号码（1开头，第二位3-9）");
    }
}
