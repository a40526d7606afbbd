using DataHub.Core.Schema;

namespace DataHub.Serving.Access;

/// <summary>Which mask presets apply to which field types, and their names in policy files.</summary>
internal static class MaskRules
{
    /// <summary>
    /// Text presets cut characters, so they need a string; <c>year</c> needs a date. <c>hash</c> and
    /// <c>suppress</c> fit every type (a hash is always text).
    /// </summary>
    public static bool Fits(MaskKind mask, FieldType type) => mask switch
    {
        MaskKind.IdNumber or MaskKind.Phone or MaskKind.Name or MaskKind.Address => type == FieldType.String,
        MaskKind.Year => type is FieldType.Date or FieldType.DateTimeOffset,
        MaskKind.Hash or MaskKind.Suppress => true,
        _ => false,
    };

    public static MaskKind? Parse(string name) => name switch
    {
        "id_number" => MaskKind.IdNumber,
        "phone" => MaskKind.Phone,
        "name" => MaskKind.Name,
        "address" => MaskKind.Address,
        "year" => MaskKind.Year,
        "hash" => MaskKind.Hash,
        "suppress" => MaskKind.Suppress,
        _ => null,
    };
}
