using DataHub.Serving.Feed;
using Microsoft.OData.UriParser;

namespace DataHub.Serving.Query;

/// <summary>
/// The complexity budget of one request's expressions (<c>$filter</c>, <c>$orderby</c>): at most
/// <see cref="ServingOptions.MaxExpressionNodes"/> nodes and <see cref="ServingOptions.MaxExpressionDepth"/>
/// levels of nesting, checked on the parsed AST before any SQL is built. A 3.9 KB filter of nested
/// <c>concat()</c> once kept both cores busy for 44 s; such a filter is now a 400 at once. and/or
/// chains count as one level (Power Query folds long lists into them and the translator flattens them).
/// </summary>
internal static class QueryBudget
{
    public static void Check(FeedQuery query, ServingOptions options)
    {
        var nodes = 0;
        if (query.Filter is { } filter) Walk(filter.Expression, 1, ref nodes, options, "$filter");
        foreach (var item in query.OrderBy) Walk(item.Expression, 1, ref nodes, options, "$orderby");
    }

    private static void Walk(QueryNode? node, int depth, ref int nodes, ServingOptions options, string option)
    {
        // Implicit conversions and the range variable ($it) are not operations of the user's.
        if (node is null or ResourceRangeVariableReferenceNode or NonResourceRangeVariableReferenceNode) return;
        if (node is not ConvertNode && ++nodes > options.MaxExpressionNodes)
        {
            throw FeedError.BadRequest("QUERY_TOO_COMPLEX", $"{option} 的表达式过于复杂（超过 {options.MaxExpressionNodes} 个运算和取值），请拆分或简化筛选条件。", option);
        }
        if (depth > options.MaxExpressionDepth)
        {
            throw FeedError.BadRequest("QUERY_TOO_COMPLEX", $"{option} 的表达式嵌套过深（超过 {options.MaxExpressionDepth} 层），请简化函数嵌套。", option);
        }
        switch (node)
        {
            case BinaryOperatorNode b:
                // The same and/or operator below does not nest further: the chain is flattened.
                Walk(b.Left, Chained(b, b.Left) ? depth : depth + 1, ref nodes, options, option);
                Walk(b.Right, Chained(b, b.Right) ? depth : depth + 1, ref nodes, options, option);
                break;
            case UnaryOperatorNode u:
                Walk(u.Operand, depth + 1, ref nodes, options, option);
                break;
            case ConvertNode c:
                Walk(c.Source, depth, ref nodes, options, option);
                break;
            case SingleValueFunctionCallNode f:
                foreach (var p in f.Parameters) Walk(p, depth + 1, ref nodes, options, option);
                break;
            case InNode i:
                Walk(i.Left, depth + 1, ref nodes, options, option);
                Walk(i.Right, depth + 1, ref nodes, options, option);
                break;
            case CollectionConstantNode list:
                nodes += list.Collection.Count;
                break;
            case LambdaNode l:
                Walk(l.Body, depth + 1, ref nodes, options, option);
                Walk(l.Source, depth + 1, ref nodes, options, option);
                break;
            case SingleValuePropertyAccessNode p:
                Walk(p.Source, depth, ref nodes, options, option);
                break;
        }
    }

    private static bool Chained(BinaryOperatorNode parent, QueryNode child) =>
        parent.OperatorKind is BinaryOperatorKind.And or BinaryOperatorKind.Or
        && Unwrap(child) is BinaryOperatorNode b && b.OperatorKind == parent.OperatorKind;

    private static QueryNode Unwrap(QueryNode node) => node is ConvertNode c ? Unwrap(c.Source) : node;
}
