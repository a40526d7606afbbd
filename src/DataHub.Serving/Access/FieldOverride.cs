using DataHub.Core.Access;
using DataHub.Core.Schema;

namespace DataHub.Serving.Access;

/// <summary>A per-dataset, per-role, per-field exception to the class rule; <see cref="Reason"/> keeps it traceable.</summary>
/// <param name="Mask">For <see cref="AccessAction.Mask"/>: a preset other than the field's default, if given.</param>
public sealed record FieldOverride(string Dataset, Role Role, string Field, AccessAction Action, MaskKind? Mask, string Reason);
