using System.Globalization;
using DataHub.Serving.Access;
using DataHub.Serving.Query;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Download;

/// <summary>
/// The statement of a download: the whole result of the feed query (no paging), its columns named by
/// the feed's property names, so every format carries the Chinese headers Excel shows. Rows: the
/// masked projection of <c>$select</c>, the row scope and <c>$filter</c> in the WHERE as for a page,
/// ordered only when <c>$orderby</c> asks (otherwise the lake's own order, community by community,
/// with no sort to hold in memory), then <c>$skip</c>/<c>$top</c>. <c>$apply</c>: its result as the
/// feed answers it.
/// </summary>
internal static class DownloadSql
{
    /// <returns>The statement and, per result column, its header (property name) and Edm type.</returns>
    public static (SqlStatement Statement, IReadOnlyList<(string Header, EdmPrimitiveTypeKind Kind)> Columns) Build(FeedQuery query, IReadOnlyList<string> files, RowScope scope, string secret)
    {
        var limit = query.Top ?? long.MaxValue;
        var offset = query.Skip ?? 0;
        if (query.Apply is not null)
        {
            var (inner, columns) = ApplySql.Page(query, files, scope, limit, offset);
            var wrapped = new SqlStatement();
            // Same parameters in the same order: the inner text is reused as is.
            wrapped.Append("SELECT ").Append(string.Join(", ", columns.Select(c => $"{SqlStatement.Identifier(c.Column)} AS {SqlStatement.Identifier(c.Property)}")));
            wrapped.Append(" FROM (").Append(inner.Text).Append(") AS d");
            foreach (var parameter in inner.Parameters) wrapped.Param(parameter.Value!);
            return (wrapped, columns.Select(c => (c.Property, c.Kind)).ToArray());
        }

        var statement = new SqlStatement();
        var translator = new ExpressionTranslator(query.View, statement);
        statement.Append("SELECT ").Append(string.Join(", ", query.Select.Select(c => $"{MaskSql.Project(c, statement, secret)} AS {SqlStatement.Identifier(c.Property)}")));
        statement.Append(" FROM read_parquet([").Append(string.Join(", ", files.Select(SqlStatement.Literal))).Append("]) WHERE ");
        statement.Append(scope.Predicate(statement) ?? "TRUE");
        if (query.Filter is { } filter) statement.Append(" AND (").Append(translator.Predicate(filter.Expression)).Append(")");
        if (query.OrderBy.Count > 0)
        {
            var keys = query.OrderBy.Select(o => new OrderKey(translator.Value(o.Expression), o.Descending))
                .Append(new OrderKey(SqlStatement.Identifier(query.View.Key.Column), Descending: false));
            statement.Append(" ORDER BY ").Append(string.Join(", ", keys.Select(k => k.OrderBySql(k.Sql))));
        }
        if (limit != long.MaxValue) statement.Append(string.Create(CultureInfo.InvariantCulture, $" LIMIT {limit}"));
        if (offset > 0) statement.Append(string.Create(CultureInfo.InvariantCulture, $" {(limit == long.MaxValue ? "LIMIT ALL " : "")}OFFSET {offset}"));
        return (statement, query.Select.Select(c => (c.Property, c.Kind)).ToArray());
    }
}
