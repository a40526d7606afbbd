using DataHub.Core.Access;
using DataHub.Core.Schema;
using DataHub.Core.Standards;

namespace DataHub.Serving.Access;

/// <summary>
/// The rows a principal may see: scope column in [<see cref="Low"/>, <see cref="High"/>). Codes are
/// ASCII digits, so every code that starts with the scope code lies in [scope, scope + "~") ('~'
/// sorts after every digit), and a range (unlike a prefix function) lets DuckDB skip Parquet row
/// groups by their min/max statistics. Both bounds are bound as parameters.
/// </summary>
/// <param name="Column">The raw scope column, or null for a dataset without one (district-wide principals only).</param>
internal sealed record RowScope(string? Column, string Low, string High)
{
    /// <summary>
    /// For a platform catalog dataset (<see cref="DatasetSchema.DatasetField"/>): the column naming
    /// the dataset a row describes, and the datasets the principal is granted; other rows are out of scope.
    /// </summary>
    public string? DatasetColumn { get; init; }

    public IReadOnlyList<string> Datasets { get; init; } = [];

    /// <summary>The scope as one SQL predicate with bound parameters, or null when every row is in scope.</summary>
    public string? Predicate(Query.SqlStatement statement)
    {
        var parts = new List<string>(2);
        if (Column is { } column)
        {
            var c = Query.SqlStatement.Identifier(column);
            parts.Add($"{c} >= {statement.Param(Low)} AND {c} < {statement.Param(High)}");
        }
        if (DatasetColumn is { } datasetColumn)
        {
            parts.Add(Datasets.Count == 0
                ? "FALSE"
                : $"{Query.SqlStatement.Identifier(datasetColumn)} IN ({string.Join(", ", Datasets.Select(d => statement.Param(d)))})");
        }
        return parts.Count == 0 ? null : string.Join(" AND ", parts);
    }

    /// <summary>
    /// The scope of <paramref name="principal"/> on <paramref name="schema"/>, or a 403 when the
    /// principal's scope code is malformed, wider than its role allows, or the dataset has no scope
    /// column and the principal is not district-wide.
    /// </summary>
    public static RowScope For(Principal principal, RolePolicy role, DatasetSchema schema, Func<IReadOnlyList<string>>? grantedDatasets = null)
    {
        var level = CheckPrincipal(principal, role);
        var code = principal.ScopeCode;
        if (schema.DatasetField is { } datasetField)
        {
            // A catalog dataset (freshness, quality): rows of granted datasets only, within the community scope if it has one.
            return new RowScope(schema.ScopeField, code, code + "~") { DatasetColumn = datasetField, Datasets = grantedDatasets?.Invoke() ?? [] };
        }
        if (schema.ScopeField is null)
        {
            return (int)level <= (int)DivisionLevel.District
                ? new RowScope(null, code, code + "~")
                : throw FeedError.Forbidden($"数据集“{schema.Title}”没有按社区划分，只向区级账号提供。");
        }
        return new RowScope(schema.ScopeField, code, code + "~");
    }

    /// <summary>The principal's scope level, or a 403 when its code is malformed or wider than its role allows.</summary>
    public static DivisionLevel CheckPrincipal(Principal principal, RolePolicy role)
    {
        var code = principal.ScopeCode ?? "";
        var level = DivisionCode.LevelOf(code)
            ?? throw FeedError.Forbidden("账号的数据范围代码无效，请联系数据管理员。");
        if ((int)level < (int)role.WidestScope)
        {
            throw FeedError.Forbidden($"账号的数据范围（{code}）比其角色允许的范围更大，已拒绝访问，请联系数据管理员核对账号。");
        }
        return level;
    }

    /// <summary>Whether a principal of this scope may see a dataset without a scope column.</summary>
    public static bool AllowsUnscoped(Principal principal) =>
        DivisionCode.LevelOf(principal.ScopeCode ?? "") is { } level && (int)level <= (int)DivisionLevel.District;
}
