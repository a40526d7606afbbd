using Microsoft.OData.UriParser;
using Microsoft.OData.UriParser.Aggregation;

namespace DataHub.Serving.Query;

/// <summary>Simplifications of a parsed <c>$apply</c> before translation.</summary>
internal static class ApplyParsing
{
    /// <summary>
    /// <c>$apply=filter(a)/filter(b)</c> keeps the entity rows: it is the same as <c>$filter=a and b</c>
    /// (ANDed with any <c>$filter</c>), so it takes the feed's own path (masks, keyset paging) and
    /// its context URL. Any groupby/aggregate step keeps the clause as it is.
    /// </summary>
    public static (ApplyClause? Apply, FilterClause? Filter) FoldFilters(ApplyClause? apply, FilterClause? filter)
    {
        if (apply is null) return (null, filter);
        var steps = apply.Transformations.ToList();
        if (steps.Count == 0) return (null, filter);
        if (!steps.All(s => s is FilterTransformationNode)) return (apply, filter);

        var clauses = steps.Cast<FilterTransformationNode>().Select(s => s.FilterClause).ToList();
        if (filter is not null) clauses.Add(filter);
        var expression = clauses[0].Expression;
        foreach (var clause in clauses.Skip(1))
        {
            expression = new BinaryOperatorNode(BinaryOperatorKind.And, expression, clause.Expression);
        }
        return (null, new FilterClause(expression, clauses[0].RangeVariable));
    }
}
