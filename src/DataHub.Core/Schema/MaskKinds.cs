namespace DataHub.Core.Schema;

/// <summary>The mask presets by the names schema and policy files use, and which field types each fits.</summary>
public static class MaskKinds
{
    private static readonly Dictionary<string, MaskKind> ByName = new(StringComparer.Ordinal)
    {
        ["none"] = MaskKind.None,
        ["id_number"] = MaskKind.IdNumber,
        ["phone"] = MaskKind.Phone,
        ["name"] = MaskKind.Name,
        ["address"] = MaskKind.Address,
        ["year"] = MaskKind.Year,
        ["hash"] = MaskKind.Hash,
        ["suppress"] = MaskKind.Suppress,
    };

    public static MaskKind? Parse(string name) => ByName.TryGetValue(name, out var kind) ? kind : null;

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
}
