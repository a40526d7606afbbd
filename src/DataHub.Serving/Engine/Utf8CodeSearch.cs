namespace DataHub.Serving.Engine;

/// <summary>
/// Binary search over distinct scope codes held as UTF-8 bytes in ascending byte order, the order in
/// which DuckDB compares VARCHAR (so a code range means the same here as in a statement's WHERE).
/// </summary>
internal static class Utf8CodeSearch
{
    /// <summary>
    /// The first index whose code is not less than <paramref name="value"/>, or, with
    /// <paramref name="afterEqual"/>, the first whose code is greater than it.
    /// </summary>
    public static int Bound(byte[][] codes, ReadOnlySpan<byte> value, bool afterEqual = false)
    {
        int lo = 0, hi = codes.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var order = codes[mid].AsSpan().SequenceCompareTo(value);
            if (order < 0 || (afterEqual && order == 0)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
