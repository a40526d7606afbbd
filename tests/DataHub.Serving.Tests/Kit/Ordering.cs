namespace DataHub.Serving.Tests.Kit;

/// <summary>OData's order for expected results: ordinal strings, nulls first ascending and last descending, the key last.</summary>
public static class Ordering
{
    public static int Compare(IComparable? a, IComparable? b, bool descending)
    {
        int result;
        if (a is null && b is null) result = 0;
        else if (a is null) result = -1;
        else if (b is null) result = 1;
        else if (a is string sa && b is string sb) result = string.CompareOrdinal(sa, sb);
        else result = a.CompareTo(b);
        return descending ? -result : result;
    }

    /// <summary>Sorts by the keys, then by <paramref name="key"/> ascending (the service's tiebreaker).</summary>
    public static List<TRow> Sort<TRow>(IEnumerable<TRow> rows, Func<TRow, string> key, params (Func<TRow, IComparable?> Value, bool Descending)[] keys)
    {
        var list = rows.ToList();
        list.Sort((x, y) =>
        {
            foreach (var (value, descending) in keys)
            {
                var c = Compare(value(x), value(y), descending);
                if (c != 0) return c;
            }
            return string.CompareOrdinal(key(x), key(y));
        });
        return list;
    }
}
