using DataHub.Core.Access;
using DataHub.Core.Schema;
using DataHub.Serving.Model;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Access;

/// <summary>A dataset as one role sees it: the visible columns, in schema order, with masks resolved.</summary>
internal sealed class DatasetView
{
    private readonly Dictionary<string, ViewColumn> byProperty;

    private DatasetView(DatasetSchema schema, Role role, IReadOnlyList<ViewColumn> columns, ViewColumn key)
    {
        Schema = schema;
        Role = role;
        Columns = columns;
        Key = key;
        byProperty = columns.ToDictionary(c => c.Property, StringComparer.Ordinal);
        ScopeColumn = schema.ScopeField is { } scope ? columns.FirstOrDefault(c => c.Column == scope && !c.IsMasked) : null;
    }

    public DatasetSchema Schema { get; }

    public Role Role { get; }

    public IReadOnlyList<ViewColumn> Columns { get; }

    public ViewColumn Key { get; }

    /// <summary>The scope column when this role sees it unmasked (then it leads the default order), else null.</summary>
    public ViewColumn? ScopeColumn { get; }

    public ViewColumn? FindProperty(string property) => byProperty.GetValueOrDefault(property);

    /// <summary>
    /// False for an aggregate-only grant: the feed then answers only <c>$apply</c> with a
    /// <c>groupby</c>/<c>aggregate</c> step and <c>/$count</c>; pages of rows and key lookups are 403.
    /// </summary>
    public bool RowsAllowed { get; private init; } = true;

    /// <summary>This view restricted to aggregates (see <see cref="RowsAllowed"/>): the hook for aggregate-only grants.</summary>
    public DatasetView AggregatesOnly() => new(Schema, Role, Columns, Key) { RowsAllowed = false };

    /// <summary>
    /// The view for <paramref name="role"/>, limited to <paramref name="grantedFields"/> (plus the key)
    /// when a grant opens only a field subset; null when the role may not see the key (then the
    /// dataset is not served to it).
    /// </summary>
    public static DatasetView? Build(DatasetSchema schema, Role role, AccessPolicy policy, IReadOnlySet<string>? grantedFields = null)
    {
        var names = new EdmNames();
        var columns = new List<ViewColumn>();
        foreach (var field in schema.Fields)
        {
            if (grantedFields is not null && field.Name != schema.KeyField && !grantedFields.Contains(field.Name)) continue;
            var access = policy.Resolve(role, schema, field);
            if (access.Action == AccessAction.Hide) continue;
            var kind = access.Mask == MaskKind.Hash ? EdmPrimitiveTypeKind.String : EdmTypes.KindOf(field.Type);
            // The key is never null (the lake guarantees it); a suppressed column is always null.
            var nullable = field.Name != schema.KeyField && (!field.Required || access.Mask == MaskKind.Suppress);
            columns.Add(new ViewColumn(field, names.Claim(field.Title, field.Name), access.Mask, kind, nullable));
        }
        var key = columns.FirstOrDefault(c => c.Column == schema.KeyField);
        return key is { IsMasked: false } ? new DatasetView(schema, role, columns, key) : null;
    }
}
