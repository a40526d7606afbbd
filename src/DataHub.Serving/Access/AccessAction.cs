namespace DataHub.Serving.Access;

/// <summary>What a role gets of a column: the value, its masked form, or nothing at all.</summary>
public enum AccessAction
{
    /// <summary>The stored value.</summary>
    Show,

    /// <summary>The field's mask preset applied in the SQL projection; hidden when the field has none.</summary>
    Mask,

    /// <summary>Absent from the role's model: not in <c>$metadata</c>, not selectable, not filterable.</summary>
    Hide,
}
