using System.Globalization;
using DataHub.Serving.Access;

namespace DataHub.Serving.Query;

/// <summary>
/// Builds the statements of a feed request. Every statement filters by the principal's scope, and
/// evaluates the user's filter and the keyset (which holds the <c>$orderby</c> expressions) only
/// inside a <c>CASE</c> guarded by the same scope:
/// <code>WHERE scope_col &gt;= $lo AND scope_col &lt; $hi AND CASE WHEN scope_col &gt;= $lo AND scope_col &lt; $hi THEN (user filter) AND (keyset) ELSE FALSE END</code>
/// The first conjunct lets DuckDB prune row groups. The CASE makes the scope hold by construction:
/// DuckDB may reorder the conjuncts of a WHERE (it orders them by estimated cost and pushes
/// single-column expressions into the Parquet scan), so a user expression that can fail (overflow,
/// bad cast) could otherwise be evaluated on a row outside the scope and fail the request because of
/// that row (a leak by error); a CASE evaluates its THEN branch only for the rows whose WHEN holds,
/// and no optimizer rule moves the branch out of the CASE. No filter (<c>... or true</c>, nested
/// <c>not</c>) can widen the scope either: it is ANDed outside the user's parentheses.
/// </summary>
internal static class PageSql
{
    /// <summary>Page column aliases: projected values <c>__c{i}</c>, then sort keys <c>__o{j}</c>.</summary>
    public static string ValueAlias(int i) => "__c" + i.ToString(CultureInfo.InvariantCulture);

    public static string OrderAlias(int j) => "__o" + j.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The page: masked projection of the selected columns plus the raw sort keys (for the next
    /// token), after the token's row, in OData order, at most <paramref name="limit"/> rows.
    /// </summary>
    /// <param name="scopeUpperBound">From <see cref="Window"/>: no row of the page lies beyond it in the scope column.</param>
    /// <param name="presorted">
    /// <paramref name="files"/> hold the rows already in the page order (a sorted copy, <see cref="SortedCopyOrder"/>,
    /// or the lake in its own order, <see cref="LakeOrder"/>): the page is the first rows in file order
    /// (<c>LIMIT</c> without <c>ORDER BY</c>: DuckDB preserves insertion order, a global setting of the
    /// engine, so a limit returns the first rows of the scan in file order, and it stops reading there).
    /// No sort at all: an <c>ORDER BY</c> of the page's own rows cost about as much CPU as reading them.
    /// </param>
    public static (SqlStatement Statement, IReadOnlyList<OrderKey> Keys) Page(
        FeedQuery query, IReadOnlyList<string> files, RowScope scope, string secret, long limit, long offset, string? scopeUpperBound = null, bool presorted = false)
    {
        var statement = new SqlStatement();
        var translator = new ExpressionTranslator(query.View, statement);
        var keys = OrderKeys(query, translator);

        var projections = query.Select.Select((c, i) => $"{MaskSql.Project(c, statement, secret)} AS {ValueAlias(i)}")
            .Concat(keys.Select((k, j) => $"{k.Sql} AS {OrderAlias(j)}"));
        statement.Append("SELECT ").Append(string.Join(", ", projections));
        AppendFromWhere(statement, query, files, scope, translator, keys);
        if (scopeUpperBound is not null && scope.Column is { } column)
        {
            statement.Append($" AND {SqlStatement.Identifier(column)} <= {statement.Param(scopeUpperBound)}");
        }
        if (!presorted) statement.Append(" ORDER BY ").Append(string.Join(", ", keys.Select((k, j) => k.OrderBySql(OrderAlias(j)))));
        statement.Append(string.Create(CultureInfo.InvariantCulture, $" LIMIT {limit}"));
        if (offset > 0) statement.Append(string.Create(CultureInfo.InvariantCulture, $" OFFSET {offset}"));
        return (statement, keys);
    }

    /// <summary>
    /// The ORDER BY list a sorted copy for this query's <c>$orderby</c> is written in (the same keys,
    /// directions and null placement as the page, the key last), or null when a key is not a plain
    /// column or there is no <c>$orderby</c> (the lake files are already in the default order).
    /// </summary>
    public static string? SortedCopyOrder(FeedQuery query)
    {
        if (query.OrderBy.Count == 0) return null;
        var statement = new SqlStatement();
        var keys = OrderKeys(query, new ExpressionTranslator(query.View, statement));
        if (statement.Parameters.Count > 0 || !keys.All(k => IsColumn(k.Sql))) return null;
        return string.Join(", ", keys.Select(k => k.OrderBySql(k.Sql)));
    }

    /// <summary>
    /// The lake's own order (scope column ascending, then the key) when this query pages in it: the
    /// default order of a role that sees the scope column unmasked, or an <c>$orderby</c> of just that
    /// column. Returns the ORDER BY list (as <see cref="SortedCopyOrder"/> writes it) and the two columns.
    /// </summary>
    public static (string OrderBy, string ScopeColumn, string KeyColumn)? LakeOrder(FeedQuery query)
    {
        if (query.View.ScopeColumn is not { } scopeColumn) return null;
        var statement = new SqlStatement();
        var keys = OrderKeys(query, new ExpressionTranslator(query.View, statement));
        var scope = SqlStatement.Identifier(scopeColumn.Column);
        var key = SqlStatement.Identifier(query.View.Key.Column);
        if (statement.Parameters.Count > 0 || keys.Count != 2 || keys[0] != new OrderKey(scope, false) || keys[1] != new OrderKey(key, false)) return null;
        return (string.Join(", ", keys.Select(k => k.OrderBySql(k.Sql))), scopeColumn.Column, query.View.Key.Column);
    }

    /// <summary>
    /// Whether <see cref="Window"/> applies: the default order, which leads with the scope column the
    /// lake files are sorted by, for a scope wider than one community (a community scope holds a
    /// single scope code, so the window could not narrow the page query: it would only cost a
    /// GROUP BY before every page).
    /// </summary>
    public static bool HasScopeWindow(FeedQuery query, RowScope scope) =>
        query.OrderBy.Count == 0 && query.View.ScopeColumn is not null && scope.Column is not null
        && scope.Low.Length < CommunityCodeLength;

    private const int CommunityCodeLength = 12;

    /// <summary>
    /// Rows per scope code still to come (after the token, in scope, passing the filter), in order.
    /// Enough to find the last community a page can reach: bounding the page query by it lets DuckDB
    /// skip every later row group, so a page sorts a few thousand rows instead of the rest of the
    /// district (a full sort of two million rows takes seconds; EXCEL-ODATA.md rule 17).
    /// </summary>
    public static SqlStatement Window(FeedQuery query, IReadOnlyList<string> files, RowScope scope)
    {
        var statement = new SqlStatement();
        var translator = new ExpressionTranslator(query.View, statement);
        var keys = OrderKeys(query, translator);
        var column = SqlStatement.Identifier(scope.Column!);
        statement.Append($"SELECT {column}, count(*)");
        AppendFromWhere(statement, query, files, scope, translator, keys);
        statement.Append(" GROUP BY 1 ORDER BY 1");
        return statement;
    }

    /// <summary>The number of rows in scope that pass the filter, ignoring paging, $top and $skip.</summary>
    public static SqlStatement Count(FeedQuery query, IReadOnlyList<string> files, RowScope scope)
    {
        var statement = new SqlStatement();
        statement.Append("SELECT count(*)");
        AppendFromWhere(statement, query, files, scope, new ExpressionTranslator(query.View, statement));
        return statement;
    }

    private static void AppendFromWhere(SqlStatement statement, FeedQuery query, IReadOnlyList<string> files, RowScope scope, ExpressionTranslator translator, IReadOnlyList<OrderKey>? keyset = null)
    {
        statement.Append(" FROM read_parquet([").Append(string.Join(", ", files.Select(SqlStatement.Literal))).Append("])");
        statement.Append(" WHERE ");
        var inScope = scope.Predicate(statement);
        var guarded = new List<string>(2);
        if (query.Filter is { } filter) guarded.Add("(" + translator.Predicate(filter.Expression) + ")");
        if (keyset is not null && query.Token is { } token) guarded.Add(KeysetPredicate.Build(keyset, token.Values, statement));

        if (inScope is null)
        {
            statement.Append(guarded.Count == 0 ? "TRUE" : string.Join(" AND ", guarded));
        }
        else if (guarded.Count == 0)
        {
            statement.Append(inScope);
        }
        else
        {
            statement.Append(inScope).Append(" AND CASE WHEN ").Append(inScope).Append(" THEN ")
                .Append(string.Join(" AND ", guarded)).Append(" ELSE FALSE END");
        }

        // Outside the guard only what cannot fail: a plain column against a value of its own type.
        // The filter's conjuncts of that kind (repeated: they stay in the guard too) let DuckDB skip
        // row groups and read the other columns only for the rows that pass.
        if (inScope is not null && query.Filter is { } hoisted)
        {
            foreach (var conjunct in translator.Infallible(hoisted.Expression)) statement.Append(" AND ").Append(conjunct);
        }
        // Rows after the token never sort before its first value (ascending: nulls first, so none
        // after a value; descending: nulls last), so this lets DuckDB skip the row groups earlier
        // pages read, by their min/max statistics: the default order leads with the scope column the
        // lake is sorted by, and a sorted copy leads with the first $orderby key.
        if (keyset is { Count: > 0 } && query.Token is { Values: [var first, ..] } && IsColumn(keyset[0].Sql))
        {
            var column = keyset[0].Sql;
            if (!keyset[0].Descending && first is not null) statement.Append($" AND {column} >= {statement.Param(first)}");
            else if (keyset[0].Descending && first is not null) statement.Append($" AND ({column} <= {statement.Param(first)} OR {column} IS NULL)");
            else if (keyset[0].Descending) statement.Append($" AND {column} IS NULL");
        }
    }

    private static bool IsColumn(string sql) =>
        sql.Length > 2 && sql[0] == '"' && sql[^1] == '"' && sql.AsSpan(1, sql.Length - 2).IndexOf('"') < 0;

    /// <summary>
    /// The user's keys, or the file order (scope column, when visible unmasked) by default; the
    /// entity key always last, making the order total so keyset paging neither skips nor repeats.
    /// </summary>
    private static List<OrderKey> OrderKeys(FeedQuery query, ExpressionTranslator translator)
    {
        var keys = query.OrderBy.Select(o => new OrderKey(translator.Value(o.Expression), o.Descending)).ToList();
        if (keys.Count == 0 && query.View.ScopeColumn is { } scopeColumn)
        {
            keys.Add(new OrderKey(SqlStatement.Identifier(scopeColumn.Column), Descending: false));
        }
        keys.Add(new OrderKey(SqlStatement.Identifier(query.View.Key.Column), Descending: false));
        return keys;
    }
}
