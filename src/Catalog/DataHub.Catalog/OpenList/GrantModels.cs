using DataHub.Catalog.Datasets;
using DataHub.Core.Access;
using DataHub.Core.Standards;

namespace DataHub.Catalog.OpenList;

/// <summary>Where an entry of the open list stands in its workflow.</summary>
public enum GrantStatus
{
    /// <summary>申请中: requested by a street or community, waiting for a steward.</summary>
    Pending,
    /// <summary>生效: in force between its validity dates.</summary>
    Active,
    /// <summary>已驳回: a steward refused the request (with a reason).</summary>
    Rejected,
    /// <summary>已撤销: revoked by a steward; bites at once.</summary>
    Revoked,
}

/// <summary>
/// What a new entry opens, to whom and on what terms. Either <see cref="AudienceLevel"/> (every
/// street, every community, or every district-level principal of the district) or
/// <see cref="Units"/> (named divisions: a unit covers the principals bound to it or inside it).
/// </summary>
/// <param name="Fields">The field subset opened (schema names or zh-CN titles; the key always stays), or null for every field the role may see.</param>
/// <param name="AggregateOnly">Only aggregations may be answered (<c>$apply</c>), never rows.</param>
public sealed record GrantSpec(
    string Dataset,
    DivisionLevel? AudienceLevel,
    IReadOnlyList<string> Units,
    IReadOnlyList<string>? Fields,
    bool AggregateOnly,
    string ShareType,
    string? Conditions,
    string? LegalBasis,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    string? Purpose = null);

/// <summary>One entry of the open list (开放清单).</summary>
public sealed record Grant(
    string Id,
    string Dataset,
    string District,
    DivisionLevel? AudienceLevel,
    IReadOnlyList<string> Units,
    IReadOnlyList<string>? Fields,
    bool AggregateOnly,
    string ShareType,
    string? Conditions,
    string? LegalBasis,
    string? Purpose,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    GrantStatus Status,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Whether the entry opens anything at <paramref name="now"/>: active, a sharing type, inside its validity period.</summary>
    public bool IsInForce(DateTimeOffset now) =>
        Status == GrantStatus.Active && ShareType != ShareTypes.NotShared
        && (ValidFrom is null || ValidFrom <= now) && (ValidUntil is null || now < ValidUntil);

    /// <summary>Whether the entry's audience includes <paramref name="principal"/> (its unit, not its role's policy).</summary>
    public bool Covers(Principal principal)
    {
        var code = principal.ScopeCode ?? "";
        if (!DivisionCode.IsWithin(code, District)) return false;
        return AudienceLevel is { } level
            ? DivisionCode.LevelOf(code) == level
            : Units.Any(u => DivisionCode.IsWithin(code, u));
    }

    /// <summary>The status as a person reads it, with expiry (a date, not a state change) taken into account.</summary>
    public string StatusTitle(DateTimeOffset now) => Status switch
    {
        GrantStatus.Pending => "申请中",
        GrantStatus.Rejected => "已驳回",
        GrantStatus.Revoked => "已撤销",
        _ when ValidUntil is { } until && now >= until => "已过期",
        _ when ValidFrom is { } from && now < from => "未生效",
        _ when ShareType == ShareTypes.NotShared => "不予共享",
        _ => "生效",
    };

    /// <summary>The audience in words: 全区所有社区, or the unit codes.</summary>
    public string AudienceTitle => AudienceLevel switch
    {
        DivisionLevel.Community => $"{District} 所有社区",
        DivisionLevel.Street => $"{District} 所有街道",
        DivisionLevel.District => $"{District} 区级账号",
        _ => string.Join("、", Units),
    };
}

/// <summary>One step of an entry's history: who did what, when, and the status after it.</summary>
public sealed record GrantEvent(string GrantId, int Seq, DateTimeOffset At, string Actor, string Action, GrantStatus Status, string? Note);

/// <summary>What the open list lets one principal see of one dataset.</summary>
/// <param name="Fields">The field names opened (the key is added by the serving layer), or null for all the role may see.</param>
/// <param name="AggregateOnly">Only aggregations, no rows.</param>
public sealed record GrantDecision(IReadOnlySet<string>? Fields, bool AggregateOnly)
{
    public static readonly GrantDecision Full = new(null, false);
}
