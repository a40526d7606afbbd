using System.Globalization;

namespace DataHub.Serving.Feed;

/// <summary>
/// The page size of a request: the client's <c>Prefer: odata.maxpagesize=N</c> (announced back in
/// <c>Preference-Applied</c>), else the host's override, else the configured default; never above
/// <see cref="ServingOptions.MaxPageSize"/>.
/// </summary>
internal static class PageSize
{
    public static (int Size, string? Applied) Resolve(string? prefer, int? hostOverride, ServingOptions options)
    {
        if (MaxPageSize(prefer) is { } wanted)
        {
            var size = Math.Min(wanted, options.MaxPageSize);
            return (size, "odata.maxpagesize=" + size.ToString(CultureInfo.InvariantCulture));
        }
        var chosen = hostOverride is > 0 ? hostOverride.Value : options.PageSize;
        return (Math.Min(chosen, options.MaxPageSize), null);
    }

    /// <summary>The positive <c>odata.maxpagesize</c> (or 4.01 <c>maxpagesize</c>) preference, if present.</summary>
    public static int? MaxPageSize(string? prefer)
    {
        if (string.IsNullOrWhiteSpace(prefer)) return null;
        foreach (var part in prefer.Split(','))
        {
            var pair = part.Split(';')[0].Split('=', 2);
            var name = pair[0].Trim();
            if (pair.Length != 2 || !(name.Equals("odata.maxpagesize", StringComparison.OrdinalIgnoreCase) || name.Equals("maxpagesize", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            if (int.TryParse(pair[1].Trim().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0) return size;
        }
        return null;
    }
}
