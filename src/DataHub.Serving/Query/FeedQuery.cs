using DataHub.Serving.Access;
using DataHub.Serving.Model;
using Microsoft.OData.UriParser;
using Microsoft.OData.UriParser.Aggregation;

namespace DataHub.Serving.Query;

/// <summary>A user sort key from <c>$orderby</c>: the expression and its direction.</summary>
internal sealed record OrderItem(SingleValueNode Expression, bool Descending);

/// <summary>
/// A parsed, validated feed request: the query options as AST (translated to SQL per statement, so each
/// statement binds exactly its own parameters) plus the paging state.
/// </summary>
/// <param name="Select">The columns written, in model order.</param>
/// <param name="SelectClause">Given to the writer so the context URL carries <c>(col,...)</c>.</param>
internal sealed record FeedQuery(
    FeedModel Model,
    ODataPath Path,
    FilterClause? Filter,
    IReadOnlyList<OrderItem> OrderBy,
    IReadOnlyList<ViewColumn> Select,
    SelectExpandClause? SelectClause,
    long? Top,
    long? Skip,
    bool Count,
    SkipToken? Token,
    string Fingerprint)
{
    public DatasetView View => Model.View;

    /// <summary><c>$apply</c> with at least one groupby/aggregate step (a chain of filters alone is folded into <see cref="Filter"/>), else null.</summary>
    public ApplyClause? Apply { get; init; }
}
