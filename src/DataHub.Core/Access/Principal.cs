using DataHub.Core.Standards;

namespace DataHub.Core.Access;

/// <summary>What a principal does; the policy decides what each role sees.</summary>
public enum Role
{
    /// <summary>区数据局 data steward: the whole district, unmasked where the law allows.</summary>
    Steward,
    /// <summary>Analyst across communities (aggregates, masked personal data).</summary>
    Analyst,
    /// <summary>街道 worker: every community of one street.</summary>
    StreetWorker,
    /// <summary>社区 worker: exactly one community.</summary>
    CommunityWorker,
    /// <summary>运维 operator: schedules, runs and the job dashboard (read-only there); sees no personal data.</summary>
    Operator,
}

/// <summary>
/// An authenticated caller. <see cref="ScopeCode"/> is a division code (6, 9 or 12 digits): the
/// caller may only ever see rows whose community code starts with it.
/// </summary>
public sealed record Principal(string Name, string DisplayName, Role Role, string ScopeCode)
{
    public DivisionLevel ScopeLevel => DivisionCode.LevelOf(ScopeCode)
        ?? throw new InvalidOperationException($"Principal {Name} has a scope code of invalid length.");
}
