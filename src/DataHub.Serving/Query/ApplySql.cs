using System.Globalization;
using DataHub.Serving.Access;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using Microsoft.OData.UriParser.Aggregation;

namespace DataHub.Serving.Query;

/// <summary>One column of an <c>$apply</c> result: the name written in the payload, the column in SQL, its Edm type.</summary>
/// <param name="Declared">True for a grouped property of the entity type; false for an aggregate alias (a dynamic property).</param>
internal sealed record ApplyColumn(string Property, string Column, EdmPrimitiveTypeKind Kind, bool Declared);

/// <summary>
/// Translates <c>$apply</c> (<c>filter</c>, <c>groupby</c>, <c>aggregate</c> with sum/min/max/average/
/// countdistinct and <c>$count</c>, chained with '/') into one DuckDB statement of nested
/// subqueries. The innermost one reads the Parquet files with the principal's row scope in its
/// WHERE, exactly like a feed page, so no transformation can widen it; masked columns are refused
/// wherever they appear (<see cref="ExpressionTranslator"/>). The other options then apply to the
/// result, as the OData aggregation spec orders them: <c>$filter</c>, <c>$orderby</c> (on grouped
/// properties and aliases), <c>$count</c>, <c>$skip</c>, <c>$top</c>.
/// </summary>
internal static class ApplySql
{
    private sealed record Shape(string Sql, IReadOnlyList<ApplyColumn> Columns, ApplyScope Scope);

    /// <summary>The page: the result columns in order, sorted by <c>$orderby</c> then every column (a total order, so OFFSET paging is stable).</summary>
    public static (SqlStatement Statement, IReadOnlyList<ApplyColumn> Columns) Page(FeedQuery query, IReadOnlyList<string> files, RowScope scope, long limit, long offset)
    {
        var statement = new SqlStatement();
        var shape = Build(query, files, scope, statement);
        var translator = new ExpressionTranslator(query.View, statement, shape.Scope);
        var keys = query.OrderBy.Select(o => new OrderKey(translator.Value(o.Expression), o.Descending))
            .Concat(shape.Columns.Select(c => new OrderKey(SqlStatement.Identifier(c.Column), Descending: false)))
            .ToArray();
        statement.Append("SELECT ").Append(string.Join(", ", shape.Columns.Select(c => SqlStatement.Identifier(c.Column))));
        statement.Append(" FROM (").Append(shape.Sql).Append(") AS r");
        if (query.Filter is { } filter) statement.Append(" WHERE (").Append(translator.Predicate(filter.Expression)).Append(")");
        statement.Append(" ORDER BY ").Append(string.Join(", ", keys.Select(k => k.OrderBySql(k.Sql))));
        statement.Append(string.Create(CultureInfo.InvariantCulture, $" LIMIT {limit}"));
        if (offset > 0) statement.Append(string.Create(CultureInfo.InvariantCulture, $" OFFSET {offset}"));
        return (statement, shape.Columns);
    }

    /// <summary>The number of result rows after <c>$filter</c>, ignoring paging, <c>$top</c> and <c>$skip</c>.</summary>
    public static SqlStatement Count(FeedQuery query, IReadOnlyList<string> files, RowScope scope)
    {
        var statement = new SqlStatement();
        var shape = Build(query, files, scope, statement);
        var translator = new ExpressionTranslator(query.View, statement, shape.Scope);
        statement.Append("SELECT count(*) FROM (").Append(shape.Sql).Append(") AS r");
        if (query.Filter is { } filter) statement.Append(" WHERE (").Append(translator.Predicate(filter.Expression)).Append(")");
        return statement;
    }

    private static Shape Build(FeedQuery query, IReadOnlyList<string> files, RowScope scope, SqlStatement statement)
    {
        var apply = query.Apply ?? throw new InvalidOperationException("The query has no $apply.");
        var sql = "SELECT * FROM read_parquet([" + string.Join(", ", files.Select(SqlStatement.Literal)) + "]) WHERE "
            + (scope.Predicate(statement) ?? "TRUE");
        ApplyScope? current = null;
        IReadOnlyList<ApplyColumn>? columns = null;
        var step = 0;
        var aliasCount = 0;
        var guarded = false;
        foreach (var transformation in apply.Transformations)
        {
            var translator = new ExpressionTranslator(query.View, statement, current);
            var source = $"({sql}) AS s{step++.ToString(CultureInfo.InvariantCulture)}";
            switch (transformation)
            {
                case FilterTransformationNode filter:
                    sql = $"SELECT * FROM {source} WHERE ({translator.Predicate(filter.FilterClause.Expression)})";
                    break;
                case GroupByTransformationNode groupBy:
                {
                    var keys = groupBy.GroupingProperties.Select(p => GroupKey(p, query.View, translator, current)).ToList();
                    var aggregates = groupBy.ChildTransformations switch
                    {
                        null => [],
                        AggregateTransformationNode a => Aggregates(a, translator, ref aliasCount),
                        _ => throw Unsupported("groupby 内只支持 aggregate(...)"),
                    };
                    var keyList = string.Join(", ", keys.Select(k => k.Sql));
                    var select = keys.Select(k => $"{k.Sql} AS {SqlStatement.Identifier(k.Column.Column)}").Concat(aggregates.Select(a => a.Sql));
                    columns = [.. keys.Select(k => k.Column), .. aggregates.Select(a => a.Column)];
                    sql = keys.Count > 0 && !query.View.RowsAllowed && !guarded
                        ? SuppressedGroups($"SELECT {string.Join(", ", select)}, count(*) AS __n FROM {source} GROUP BY {keyList}", columns, ref guarded)
                        : $"SELECT {string.Join(", ", select)} FROM {source}" + (keys.Count > 0 ? $" GROUP BY {keyList}" : "") + SmallCells(query.View, ref guarded);
                    current = ScopeOf(columns);
                    break;
                }
                case AggregateTransformationNode aggregate:
                {
                    var aggregates = Aggregates(aggregate, translator, ref aliasCount);
                    sql = $"SELECT {string.Join(", ", aggregates.Select(a => a.Sql))} FROM {source}" + SmallCells(query.View, ref guarded);
                    columns = aggregates.Select(a => a.Column).ToArray();
                    current = ScopeOf(columns);
                    break;
                }
                case ComputeTransformationNode:
                    throw Unsupported("不支持 compute() 变换；请在 Excel/Power BI 中添加计算列");
                default:
                    throw Unsupported($"不支持 {transformation.Kind} 变换；支持 filter、groupby、aggregate");
            }
        }
        // A chain of filters alone is folded into $filter by the parser, so a shape always exists here.
        return new Shape(sql, columns ?? throw new InvalidOperationException("An $apply without groupby/aggregate reached ApplySql."), current!);
    }

    /// <summary>
    /// Groups of fewer than <see cref="MinimumCell"/> rows are left out of aggregate-only answers, so
    /// a filter narrowed to one person cannot read that person back as a "statistic". Applied at the
    /// first aggregating step only: later steps aggregate groups that already passed it.
    /// </summary>
    public const int MinimumCell = 5;

    private static string SmallCells(DatasetView view, ref bool guarded)
    {
        if (view.RowsAllowed || guarded) return "";
        guarded = true;
        return string.Create(CultureInfo.InvariantCulture, $" HAVING count(*) >= {MinimumCell}");
    }

    /// <summary>
    /// Groups of an aggregate-only answer: those under <see cref="MinimumCell"/> rows are left out,
    /// and when the left-out groups add up to fewer than <see cref="MinimumCell"/> rows, the smallest
    /// remaining groups too until they do (complementary suppression), so a total minus the published
    /// groups never isolates fewer than <see cref="MinimumCell"/> people.
    /// </summary>
    private static string SuppressedGroups(string grouped, IReadOnlyList<ApplyColumn> columns, ref bool guarded)
    {
        guarded = true;
        var order = string.Join(", ", columns.Select(c => SqlStatement.Identifier(c.Column)));
        return string.Create(CultureInfo.InvariantCulture, $"""
            SELECT * EXCLUDE (__n, __small, __before) FROM (
                SELECT *, sum(CASE WHEN __n < {MinimumCell} THEN __n ELSE 0 END) OVER () AS __small,
                       coalesce(sum(__n) OVER (ORDER BY __n, {order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS __before
                FROM ({grouped}) AS g)
            WHERE __n >= {MinimumCell} AND NOT (__small > 0 AND __small < {MinimumCell} AND __before < {MinimumCell})
            """);
    }

    private static (string Sql, ApplyColumn Column) GroupKey(GroupByPropertyNode node, DatasetView view, ExpressionTranslator translator, ApplyScope? current)
    {
        if (node.ChildTransformations is { Count: > 0 } || node.Expression is null)
        {
            throw Unsupported("不支持按导航路径分组，只能按本数据集的字段分组");
        }
        switch (node.Expression)
        {
            case SingleValuePropertyAccessNode p:
                var column = view.FindProperty(p.Property.Name)
                    ?? throw FeedError.BadRequest("QUERY_INVALID", $"没有名为“{p.Property.Name}”的字段。", "$apply");
                return (translator.Value(p), new ApplyColumn(column.Property, column.Column, column.Kind, Declared: true));
            case SingleValueOpenPropertyAccessNode open when current?.Alias(open.Name) is { } alias:
                return (SqlStatement.Identifier(alias.Column), new ApplyColumn(alias.Name, alias.Column, alias.Kind, Declared: false));
            default:
                throw Unsupported("groupby 只能列出字段名或前一步汇总的别名");
        }
    }

    private static List<(string Sql, ApplyColumn Column)> Aggregates(AggregateTransformationNode node, ExpressionTranslator translator, ref int aliasCount)
    {
        var result = new List<(string, ApplyColumn)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expression in node.AggregateExpressions)
        {
            if (expression is not AggregateExpression aggregate) throw Unsupported("不支持对导航属性汇总");
            if (!names.Add(aggregate.Alias)) throw FeedError.BadRequest("QUERY_INVALID", $"汇总别名“{aggregate.Alias}”重复。", "$apply");
            var kind = aggregate.TypeReference?.PrimitiveKind() ?? EdmPrimitiveTypeKind.None;
            if (aggregate.Method is AggregationMethod.Sum or AggregationMethod.Average
                && aggregate.Expression?.TypeReference?.PrimitiveKind() is not (EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int64
                    or EdmPrimitiveTypeKind.Decimal or EdmPrimitiveTypeKind.Double or EdmPrimitiveTypeKind.Int16 or EdmPrimitiveTypeKind.Single or EdmPrimitiveTypeKind.Byte))
            {
                throw FeedError.BadRequest("QUERY_INVALID", $"汇总“{aggregate.Alias}”：sum 和 average 只能用于数值字段。", "$apply");
            }
            var sql = aggregate.Method switch
            {
                AggregationMethod.VirtualPropertyCount => "count(*)",
                // As Microsoft.AspNetCore.OData and Power Query's List.Sum: the sum of no values is 0, not null.
                AggregationMethod.Sum => $"COALESCE(sum({translator.Value(aggregate.Expression)}), 0)",
                AggregationMethod.Min => $"min({translator.Value(aggregate.Expression)})",
                AggregationMethod.Max => $"max({translator.Value(aggregate.Expression)})",
                AggregationMethod.Average => $"avg({translator.Value(aggregate.Expression)})",
                // As Microsoft.AspNetCore.OData and Power Query's List.Distinct: null counts as one distinct value.
                AggregationMethod.CountDistinct => CountDistinct(translator.Value(aggregate.Expression)),
                _ => throw Unsupported($"不支持汇总方法 {aggregate.MethodDefinition?.MethodLabel ?? aggregate.Method.ToString()}；支持 sum、min、max、average、countdistinct 和 $count"),
            };
            if (DuckTypes.Of(kind) is { } type) sql = $"CAST({sql} AS {type})";
            var column = "__a" + (aliasCount++).ToString(CultureInfo.InvariantCulture);
            result.Add(($"{sql} AS {SqlStatement.Identifier(column)}", new ApplyColumn(aggregate.Alias, column, kind, Declared: false)));
        }
        return result;
    }

    private static string CountDistinct(string value) =>
        $"(count(DISTINCT {value}) + CASE WHEN count(*) > count({value}) THEN 1 ELSE 0 END)";

    private static ApplyScope ScopeOf(IReadOnlyList<ApplyColumn> columns) => new(
        columns.Where(c => c.Declared).Select(c => c.Column).ToHashSet(StringComparer.Ordinal),
        columns.Where(c => !c.Declared).ToDictionary(c => c.Property, c => new ApplyAlias(c.Property, c.Column, c.Kind), StringComparer.Ordinal));

    private static FeedError Unsupported(string what) =>
        FeedError.BadRequest("APPLY_UNSUPPORTED", $"{what}。$apply 支持：filter(...)、groupby((字段,...),aggregate(...))、aggregate(字段 with sum|min|max|average|countdistinct as 别名, $count as 别名)，用“/”串联。", "$apply");
}
