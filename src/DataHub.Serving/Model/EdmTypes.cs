using DataHub.Core.Schema;
using DataHub.Serving.Access;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Model;

/// <summary>The one mapping from schema field types to Edm types (EXCEL-ODATA.md rule 8).</summary>
internal static class EdmTypes
{
    public static EdmPrimitiveTypeKind KindOf(FieldType type) => type switch
    {
        FieldType.String => EdmPrimitiveTypeKind.String,
        FieldType.Int32 => EdmPrimitiveTypeKind.Int32,
        FieldType.Int64 => EdmPrimitiveTypeKind.Int64,
        FieldType.Decimal => EdmPrimitiveTypeKind.Decimal,
        FieldType.Double => EdmPrimitiveTypeKind.Double,
        FieldType.Boolean => EdmPrimitiveTypeKind.Boolean,
        FieldType.Date => EdmPrimitiveTypeKind.Date,
        FieldType.DateTimeOffset => EdmPrimitiveTypeKind.DateTimeOffset,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No Edm type for this field type."),
    };

    /// <summary>The property type with facets: precision and scale for decimals, max length for unmasked strings.</summary>
    public static IEdmPrimitiveTypeReference ReferenceFor(ViewColumn column)
    {
        var core = EdmCoreModel.Instance;
        return column.Kind switch
        {
            EdmPrimitiveTypeKind.Decimal => core.GetDecimal(column.Field.Precision, column.Field.Scale, column.Nullable),
            // A mask may lengthen a value (a hash is 32 characters), so only stored values keep the limit.
            EdmPrimitiveTypeKind.String => core.GetString(isUnbounded: false, column.IsMasked ? null : column.Field.MaxLength, isUnicode: true, column.Nullable),
            _ => core.GetPrimitive(column.Kind, column.Nullable),
        };
    }
}
