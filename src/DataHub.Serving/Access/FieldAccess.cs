using DataHub.Core.Schema;

namespace DataHub.Serving.Access;

/// <summary>The resolved access to one column for one role. <see cref="Mask"/> is <see cref="MaskKind.None"/> unless <see cref="Action"/> is <see cref="AccessAction.Mask"/>.</summary>
public readonly record struct FieldAccess(AccessAction Action, MaskKind Mask)
{
    public static FieldAccess Shown => new(AccessAction.Show, MaskKind.None);

    public static FieldAccess Hidden => new(AccessAction.Hide, MaskKind.None);

    public static FieldAccess Masked(MaskKind mask) => new(AccessAction.Mask, mask);
}
