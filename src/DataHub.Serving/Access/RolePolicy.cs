using DataHub.Core.Access;
using DataHub.Core.Schema;
using DataHub.Core.Standards;

namespace DataHub.Serving.Access;

/// <summary>
/// One role's part of the policy: the widest row scope a principal of this role may hold, and an
/// action per sensitivity class.
/// </summary>
/// <param name="WidestScope">A principal whose scope code is shorter (wider) than this level is refused: a
/// community worker configured with a district code must not silently see the district.</param>
public sealed record RolePolicy(Role Role, DivisionLevel WidestScope, IReadOnlyDictionary<Sensitivity, AccessAction> Actions);
