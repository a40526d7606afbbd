using System.Globalization;
using DataHub.Serving.Access;

namespace DataHub.Serving.Query;

/// <summary>
/// Builds the statements of a feed request. Every statement filters by the principal's scope first,
/// ANDed with the user's filter in parentheses, so no filter (<c>... or true</c>, nested <c>not</c>)
/// can widen it:
/// <code>WHERE scope_col &gt;= $lo AND scope_col &lt; $hi AND (user filter) AND (keyset)</code>
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
    public static (SqlStatement Statement, IReadOnlyList<OrderKey> Keys) Page(
        FeedQuery query, IReadOnlyList<string> files, RowScope scope, string secret, long limit, long offset, string? scopeUpperBound = null)
    {
        var statement = new SqlStatement();
        var translator = new ExpressionTranslator(query.View, statement);
        var keys = OrderKeys(query, translator);

        var projections = query.Select.Select((c, i) => $"{MaskSql.Project(c, statement, secret)} AS {ValueAlias(i)}")
            .Concat(keys.Select((k, j) => $"{k.Sql} AS {OrderAlias(j)}"));
        statement.Append("SELECT ").Append(string.Join(", ", projections));
        AppendFromWhere(statement, query, files, scope, translator);
        AppendKeyset(statement, query, keys);
        if (scopeUpperBound is not null && scope.Column is { } column)
        {
            statement.Append($" AND {SqlStatement.Identifier(column)} <= {statement.Param(scopeUpperBound)}");
        }
        statement.Append(" ORDER BY ").Append(string.Join(", ", keys.Select((k, j) => k.OrderBySql(OrderAlias(j)))));
        statement.Append(string.Create(CultureInfo.InvariantCulture, $" LIMIT {limit}"));
        if (offset > 0) statement.Append(string.Create(CultureInfo.InvariantCulture, $" OFFSET {offset}"));
        return (statement, keys);
    }

    /// <summary>
    /// Whether <see cref="Window"/> applies: the default order, which leads with the scope column the
    /// lake files are sorted by.
    /// </summary>
    public static bool HasScopeWindow(FeedQuery query, RowScope scope) =>
        query.OrderBy.Count == 0 && query.View.ScopeColumn is not null && scope.Column is not null;

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
        AppendFromWhere(statement, query, files, scope, translator);
        AppendKeyset(statement, query, keys);
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

    private static void AppendFromWhere(SqlStatement statement, FeedQuery query, IReadOnlyList<string> files, RowScope scope, ExpressionTranslator translator)
    {
        statement.Append(" FROM read_parquet([").Append(string.Join(", ", files.Select(SqlStatement.Literal))).Append("])");
        statement.Append(" WHERE ");
        if (scope.Column is { } column)
        {
            var c = SqlStatement.Identifier(column);
            statement.Append($"{c} >= {statement.Param(scope.Low)} AND {c} < {statement.Param(scope.High)}");
        }
        else
        {
            statement.Append("TRUE");
        }
        if (query.Filter is { } filter)
        {
            statement.Append(" AND (").Append(translator.Predicate(filter.Expression)).Append(")");
        }
    }

    private static void AppendKeyset(SqlStatement statement, FeedQuery query, IReadOnlyList<OrderKey> keys)
    {
        if (query.Token is { } token)
        {
            statement.Append(" AND ").Append(KeysetPredicate.Build(keys, token.Values, statement));
        }
    }

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
