using DataHub.Core.Schema;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Query;

/// <summary>DuckDB type names for schema fields (as the lake writes them) and for Edm types in casts.</summary>
internal static class DuckTypes
{
    public static string Of(FieldSpec field) => LakeTypes.DuckDbType(field);

    /// <summary>The DuckDB type for an Edm primitive kind, or null when the feed has no use for it.</summary>
    public static string? Of(EdmPrimitiveTypeKind kind) => kind switch
    {
        EdmPrimitiveTypeKind.String => "VARCHAR",
        EdmPrimitiveTypeKind.Boolean => "BOOLEAN",
        EdmPrimitiveTypeKind.Byte or EdmPrimitiveTypeKind.SByte or EdmPrimitiveTypeKind.Int16 or EdmPrimitiveTypeKind.Int32 => "INTEGER",
        EdmPrimitiveTypeKind.Int64 => "BIGINT",
        EdmPrimitiveTypeKind.Single or EdmPrimitiveTypeKind.Double => "DOUBLE",
        // Wide enough for any Int64 and for every decimal the schemas declare (precision up to 38).
        EdmPrimitiveTypeKind.Decimal => "DECIMAL(38,10)",
        EdmPrimitiveTypeKind.Date => "DATE",
        EdmPrimitiveTypeKind.DateTimeOffset => "TIMESTAMPTZ",
        _ => null,
    };

    public static bool IsIntegral(EdmPrimitiveTypeKind kind) =>
        kind is EdmPrimitiveTypeKind.Byte or EdmPrimitiveTypeKind.SByte or EdmPrimitiveTypeKind.Int16
            or EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int64;
}
