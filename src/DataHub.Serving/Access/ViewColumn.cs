using DataHub.Core.Schema;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Access;

/// <summary>
/// One column as a role sees it: its OData property name (the zh-CN title), its Edm type after
/// masking, and the mask applied in the SQL projection.
/// </summary>
internal sealed record ViewColumn(FieldSpec Field, string Property, MaskKind Mask, EdmPrimitiveTypeKind Kind, bool Nullable)
{
    /// <summary>The raw Parquet column.</summary>
    public string Column => Field.Name;

    /// <summary>Masked columns may be selected but never filtered or sorted on: that would reveal them.</summary>
    public bool IsMasked => Mask != MaskKind.None;
}
