using Microsoft.OData.Edm;

namespace DataHub.Serving.Query;

/// <summary>An aggregate's result inside <c>$apply</c>: the alias the client chose, the internal column holding it, its Edm type.</summary>
internal sealed record ApplyAlias(string Name, string Column, EdmPrimitiveTypeKind Kind);

/// <summary>
/// What an expression may refer to after a <c>groupby</c> or <c>aggregate</c> step of <c>$apply</c>:
/// the grouped raw columns and the aggregate aliases. Before such a step (the dataset's rows) there is
/// no scope and every visible, unmasked column may be used.
/// </summary>
internal sealed class ApplyScope(IReadOnlySet<string> columns, IReadOnlyDictionary<string, ApplyAlias> aliases)
{
    public bool HasColumn(string rawColumn) => columns.Contains(rawColumn);

    public ApplyAlias? Alias(string name) => aliases.GetValueOrDefault(name);
}
