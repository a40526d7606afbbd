namespace DataHub.Serving.Query;

/// <summary>
/// The WHERE condition "strictly after the row with these key values" in the page order, so a page
/// starts where the last one ended without OFFSET. For keys k1..kn (the entity key last, unique and
/// non-null) it is OR over i of (k1 = v1 AND .. AND k(i-1) = v(i-1) AND ki after vi), where "after"
/// honours the direction and OData's null placement (nulls first ascending, last descending):
/// <list type="table">
/// <item><term>ascending, v null</term><description>k IS NOT NULL</description></item>
/// <item><term>ascending, v</term><description>k &gt; v</description></item>
/// <item><term>descending, v null</term><description>nothing comes after</description></item>
/// <item><term>descending, v</term><description>k &lt; v OR k IS NULL</description></item>
/// </list>
/// "Equal" is <c>k IS NULL</c> for a null v and <c>k = v</c> otherwise.
/// </summary>
internal static class KeysetPredicate
{
    public static string Build(IReadOnlyList<OrderKey> keys, IReadOnlyList<object?> values, SqlStatement statement)
    {
        if (keys.Count != values.Count) throw SkipTokenCodec.Invalid();
        var placeholders = values.Select(v => v is null ? null : statement.Param(v)).ToArray();

        var alternatives = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            var after = After(keys[i], placeholders[i]);
            if (after is null) continue;
            var equalities = Enumerable.Range(0, i).Select(j => Equal(keys[j], placeholders[j]));
            alternatives.Add("(" + string.Join(" AND ", equalities.Append(after)) + ")");
        }
        var predicate = alternatives.Count == 0 ? "FALSE" : "(" + string.Join(" OR ", alternatives) + ")";

        // Redundant but sargable: rows after the token never sort before its first ascending value,
        // which lets DuckDB skip row groups (the default order leads with the scope column).
        if (!keys[0].Descending && placeholders[0] is { } first) predicate = $"({keys[0].Sql} >= {first} AND {predicate})";
        return predicate;
    }

    private static string? After(OrderKey key, string? value) => (key.Descending, value) switch
    {
        (false, null) => $"({key.Sql}) IS NOT NULL",
        (false, _) => $"({key.Sql}) > {value}",
        (true, null) => null,
        (true, _) => $"(({key.Sql}) < {value} OR ({key.Sql}) IS NULL)",
    };

    private static string Equal(OrderKey key, string? value) =>
        value is null ? $"({key.Sql}) IS NULL" : $"({key.Sql}) = {value}";
}
