using System.Data.Common;
using System.Globalization;
using DataHub.Catalog.Changes;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Storage;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Core.Standards;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.OpenList;

/// <summary>
/// The open list (开放清单): the one ledger of who may see which dataset. Stewards add entries
/// (unconditional or conditional sharing, or a recorded refusal 不予共享 with its legal basis);
/// streets and communities request conditional sharing, which a steward of the district approves
/// or rejects with a reason; stewards revoke. Every change is one transaction with its history row,
/// its catalog-change audit row and a bump of <see cref="ChangeKind.Grants"/> (caches drop at once).
/// Expiry is a date compared with the clock when access is decided, not a state change.
/// </summary>
public sealed class OpenListService(CatalogDatabase db, TimeProvider time, IDivisionDirectory divisions, DatasetCatalog datasets, CatalogChangeLog changes)
{
    /// <summary>A steward adds an entry; it is in force at once (from its start date).</summary>
    public async Task<Grant> AddAsync(GrantSpec spec, Principal steward, CancellationToken cancellationToken)
    {
        var district = RequireSteward(steward);
        var schema = await SchemaAsync(spec.Dataset, cancellationToken);
        if (!ShareTypes.All.Contains(spec.ShareType))
            throw Invalid("GRANT_SHARE_TYPE", $"共享类型“{Short(spec.ShareType)}”无效。", $"应为：{string.Join("、", ShareTypes.All)}。");
        if (spec.ShareType == ShareTypes.NotShared && string.IsNullOrWhiteSpace(spec.LegalBasis))
            throw Invalid("GRANT_LEGAL_BASIS", "“不予共享”必须写明法律、行政法规或政策依据。", "用 --legal-basis 给出依据，例如“《中华人民共和国个人信息保护法》第十三条”。");
        if (spec.ShareType == ShareTypes.Conditional && string.IsNullOrWhiteSpace(spec.Conditions))
            throw Invalid("GRANT_CONDITIONS", "“有条件共享”必须写明共享条件。", "用 --conditions 给出条件，例如“仅用于社区网格化管理”。");
        if (spec.AudienceLevel is null && spec.Units.Count == 0)
            throw Invalid("GRANT_AUDIENCE", "没有指定开放对象。", "用 --level street|community|district 开放给某一层级的所有单位，或用 --units 列出区划代码。");
        if (spec.AudienceLevel is { } level && level is not (DivisionLevel.District or DivisionLevel.Street or DivisionLevel.Community))
            throw Invalid("GRANT_AUDIENCE", "开放层级只能是区级、街道或社区。", "用 --level street|community|district。");
        foreach (var unit in spec.Units) CheckUnit(unit, district);
        CheckPeriod(spec.ValidFrom, spec.ValidUntil);
        var fields = ResolveFields(schema, spec.Fields);

        var now = time.GetUtcNow();
        var grant = new Grant(NewId(), schema.Name, district, spec.AudienceLevel, spec.AudienceLevel is null ? spec.Units.Distinct().ToList() : [],
            fields, spec.AggregateOnly, spec.ShareType, Blank(spec.Conditions), Blank(spec.LegalBasis), Blank(spec.Purpose),
            spec.ValidFrom, spec.ValidUntil, GrantStatus.Active, steward.Name, now, steward.Name, now, null, now);
        return await ChangeAsync(grant, steward.Name, "add", null, insert: true, cancellationToken);
    }

    /// <summary>
    /// A street, community or district-level principal asks for conditional sharing of a dataset to
    /// its own unit; the entry is pending until a steward of its district decides.
    /// </summary>
    public async Task<Grant> RequestAsync(string dataset, Principal requester, string purpose, IReadOnlyList<string>? fields, bool aggregateOnly,
        DateTimeOffset? validUntil, CancellationToken cancellationToken)
    {
        if (requester.Role == Role.Steward)
            throw Invalid("GRANT_REQUEST_ROLE", "数据管理员无需申请，可直接查看本区全部数据集或用 grants add 开放。", "用 datahub grants add 添加开放条目。");
        if (string.IsNullOrWhiteSpace(purpose))
            throw Invalid("GRANT_PURPOSE", "申请必须说明用途。", "用 --purpose 写明用途，例如“核对本社区独居老人名单”。");
        var code = requester.ScopeCode ?? "";
        if (DivisionCode.LevelOf(code) is not { } level || (int)level < (int)DivisionLevel.District || divisions.Find(code) is null)
            throw Invalid("GRANT_REQUESTER_UNIT", $"账号 {requester.Name} 的区划代码无效，不能申请。", "请数据管理员核对账号的所属单位。");
        var schema = await SchemaAsync(dataset, cancellationToken);
        CheckPeriod(null, validUntil);
        var now = time.GetUtcNow();
        var grant = new Grant(NewId(), schema.Name, code[..6], null, [code], ResolveFields(schema, fields), aggregateOnly,
            ShareTypes.Conditional, null, null, purpose.Trim(), null, validUntil, GrantStatus.Pending, requester.Name, now, null, null, null, now);
        return await ChangeAsync(grant, requester.Name, "request", purpose.Trim(), insert: true, cancellationToken);
    }

    /// <summary>A steward approves a pending request, stating its conditions (and optionally its end date).</summary>
    public async Task<Grant> ApproveAsync(string id, Principal steward, string conditions, DateTimeOffset? validUntil, CancellationToken cancellationToken)
    {
        var grant = await DecidableAsync(id, steward, cancellationToken);
        if (string.IsNullOrWhiteSpace(conditions))
            throw Invalid("GRANT_CONDITIONS", "批准有条件共享必须写明共享条件。", "用 --conditions 写明条件，例如“仅用于社区网格化管理，不得转交第三方”。");
        CheckPeriod(grant.ValidFrom, validUntil ?? grant.ValidUntil);
        var now = time.GetUtcNow();
        var approved = grant with
        {
            Status = GrantStatus.Active, Conditions = conditions.Trim(), ValidUntil = validUntil ?? grant.ValidUntil,
            DecidedBy = steward.Name, DecidedAt = now, UpdatedAt = now,
        };
        return await ChangeAsync(approved, steward.Name, "approve", conditions.Trim(), insert: false, cancellationToken);
    }

    /// <summary>A steward rejects a pending request; the reason is required and shown to the requester.</summary>
    public async Task<Grant> RejectAsync(string id, Principal steward, string reason, CancellationToken cancellationToken)
    {
        var grant = await DecidableAsync(id, steward, cancellationToken);
        if (string.IsNullOrWhiteSpace(reason))
            throw Invalid("GRANT_REASON", "驳回必须说明理由。", "用 --reason 写明理由，申请人会看到。");
        var now = time.GetUtcNow();
        var rejected = grant with { Status = GrantStatus.Rejected, DecisionReason = reason.Trim(), DecidedBy = steward.Name, DecidedAt = now, UpdatedAt = now };
        return await ChangeAsync(rejected, steward.Name, "reject", reason.Trim(), insert: false, cancellationToken);
    }

    /// <summary>A steward revokes an entry (active or pending); access ends with this call.</summary>
    public async Task<Grant> RevokeAsync(string id, Principal steward, string reason, CancellationToken cancellationToken)
    {
        var district = RequireSteward(steward);
        var grant = await GetAsync(id, cancellationToken) ?? throw NotFound(id);
        if (grant.District != district) throw NotFound(id);
        if (grant.Status is GrantStatus.Revoked or GrantStatus.Rejected)
            throw Invalid("GRANT_CLOSED", $"开放条目 {id} 已{(grant.Status == GrantStatus.Revoked ? "撤销" : "驳回")}，无需再撤销。", "用 datahub grants list 查看生效的条目。");
        if (string.IsNullOrWhiteSpace(reason)) throw Invalid("GRANT_REASON", "撤销必须说明理由。", "用 --reason 写明理由。");
        var now = time.GetUtcNow();
        var revoked = grant with { Status = GrantStatus.Revoked, DecisionReason = reason.Trim(), DecidedBy = steward.Name, DecidedAt = now, UpdatedAt = now };
        return await ChangeAsync(revoked, steward.Name, "revoke", reason.Trim(), insert: false, cancellationToken);
    }

    /// <summary>Every entry, newest first (all statuses); filter in memory for views.</summary>
    public async Task<IReadOnlyList<Grant>> ListAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, Select + " ORDER BY requested_at DESC, id", [], Map, cancellationToken);
    }

    public async Task<Grant?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null, Select + " WHERE id = @id", [("id", id)], Map, cancellationToken)).FirstOrDefault();
    }

    /// <summary>An entry's history, oldest first.</summary>
    public async Task<IReadOnlyList<GrantEvent>> HistoryAsync(string id, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, "SELECT grant_id, seq, at, actor, action, status, note FROM grant_history WHERE grant_id = @id ORDER BY seq",
            [("id", id)], r => new GrantEvent(r.GetString(0), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture), ParseTimestamp(r.GetString(2)),
                r.GetString(3), r.GetString(4), Enum.Parse<GrantStatus>(r.GetString(5)), NullableString(r, 6)), cancellationToken);
    }

    /// <summary>What <paramref name="principal"/> may open of <paramref name="dataset"/> now (a catalog read; the serving layer keeps its own in-memory copy).</summary>
    public async Task<GrantDecision?> DecideAsync(Principal principal, string dataset, CancellationToken cancellationToken) =>
        OpenListAccess.Decide(await ListAsync(cancellationToken), principal, dataset, time.GetUtcNow());

    private async Task<Grant> DecidableAsync(string id, Principal steward, CancellationToken cancellationToken)
    {
        var district = RequireSteward(steward);
        var grant = await GetAsync(id, cancellationToken) ?? throw NotFound(id);
        if (grant.District != district) throw NotFound(id);
        if (grant.Status != GrantStatus.Pending)
            throw Invalid("GRANT_NOT_PENDING", $"开放条目 {id} 不是待审批的申请（当前：{grant.StatusTitle(time.GetUtcNow())}）。", "只有“申请中”的条目可以批准或驳回。");
        return grant;
    }

    private async Task<Grant> ChangeAsync(Grant grant, string actor, string action, string? note, bool insert, CancellationToken cancellationToken) =>
        await changes.RunAsync(ChangeKind.Grants, async (conn, tx) =>
        {
            if (insert) await InsertAsync(conn, tx, grant, cancellationToken);
            else await UpdateAsync(conn, tx, grant, cancellationToken);
            var seq = Convert.ToInt32(await ScalarAsync(conn, tx, "SELECT COUNT(*) FROM grant_history WHERE grant_id = @id", [("id", grant.Id)], cancellationToken), CultureInfo.InvariantCulture) + 1;
            await ExecAsync(conn, tx, """
                INSERT INTO grant_history (grant_id, seq, at, actor, action, status, note) VALUES (@id, @seq, @at, @actor, @action, @status, @note)
                """, [("id", grant.Id), ("seq", seq), ("at", Timestamp(grant.UpdatedAt)), ("actor", actor), ("action", action),
                      ("status", grant.Status.ToString()), ("note", note)], cancellationToken);
            return (grant, new CatalogChange(grant.UpdatedAt, actor, "grant", grant.Id, action,
                $"{grant.Dataset} → {grant.AudienceTitle}；{grant.ShareType}" + (grant.AggregateOnly ? "；仅聚合" : "")
                + (grant.Fields is null ? "" : $"；字段 {string.Join(",", grant.Fields)}")));
        }, cancellationToken);

    private static Task InsertAsync(DbConnection conn, DbTransaction tx, Grant g, CancellationToken cancellationToken) =>
        ExecAsync(conn, tx, """
            INSERT INTO grants (id, dataset, district, audience_level, units, fields, aggregate_only, share_type, conditions, legal_basis,
                purpose, valid_from, valid_until, status, requested_by, requested_at, decided_by, decided_at, decision_reason, updated_at)
            VALUES (@id, @dataset, @district, @level, @units, @fields, @agg, @share, @cond, @legal, @purpose, @from, @until, @status,
                @rby, @rat, @dby, @dat, @reason, @updated)
            """, Args(g), cancellationToken);

    private static Task UpdateAsync(DbConnection conn, DbTransaction tx, Grant g, CancellationToken cancellationToken) =>
        ExecAsync(conn, tx, """
            UPDATE grants SET conditions = @cond, valid_until = @until, status = @status, decided_by = @dby, decided_at = @dat,
                decision_reason = @reason, updated_at = @updated WHERE id = @id
            """, Args(g), cancellationToken);

    private static List<(string, object?)> Args(Grant g) =>
    [
        ("id", g.Id), ("dataset", g.Dataset), ("district", g.District), ("level", g.AudienceLevel is { } l ? LevelName(l) : null),
        ("units", g.Units.Count == 0 ? null : string.Join(",", g.Units)), ("fields", g.Fields is null ? null : string.Join(",", g.Fields)),
        ("agg", g.AggregateOnly ? 1 : 0), ("share", g.ShareType), ("cond", g.Conditions), ("legal", g.LegalBasis), ("purpose", g.Purpose),
        ("from", g.ValidFrom is { } f ? Timestamp(f) : null), ("until", g.ValidUntil is { } u ? Timestamp(u) : null), ("status", g.Status.ToString()),
        ("rby", g.RequestedBy), ("rat", Timestamp(g.RequestedAt)), ("dby", g.DecidedBy), ("dat", g.DecidedAt is { } d ? Timestamp(d) : null),
        ("reason", g.DecisionReason), ("updated", Timestamp(g.UpdatedAt)),
    ];

    private const string Select = """
        SELECT id, dataset, district, audience_level, units, fields, aggregate_only, share_type, conditions, legal_basis, purpose,
               valid_from, valid_until, status, requested_by, requested_at, decided_by, decided_at, decision_reason, updated_at
        FROM grants
        """;

    private static Grant Map(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : ParseLevel(r.GetString(3)),
        r.IsDBNull(4) ? [] : r.GetString(4).Split(','), r.IsDBNull(5) ? null : r.GetString(5).Split(','),
        Convert.ToInt64(r.GetValue(6), CultureInfo.InvariantCulture) != 0, r.GetString(7), NullableString(r, 8), NullableString(r, 9), NullableString(r, 10),
        Time(r, 11), Time(r, 12), Enum.Parse<GrantStatus>(r.GetString(13)), r.GetString(14), ParseTimestamp(r.GetString(15)),
        NullableString(r, 16), Time(r, 17), NullableString(r, 18), ParseTimestamp(r.GetString(19)));

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : ParseTimestamp(r.GetString(i));

    public static string LevelName(DivisionLevel level) => level switch
    {
        DivisionLevel.District => "district",
        DivisionLevel.Street => "street",
        DivisionLevel.Community => "community",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static DivisionLevel ParseLevel(string name) => name switch
    {
        "district" => DivisionLevel.District,
        "street" => DivisionLevel.Street,
        "community" => DivisionLevel.Community,
        _ => throw Invalid("GRANT_AUDIENCE", $"开放层级“{Short(name)}”无效。", "应为 district（区级账号）、street（所有街道）或 community（所有社区）。"),
    };

    private async Task<DatasetSchema> SchemaAsync(string dataset, CancellationToken cancellationToken)
    {
        var entry = (await datasets.ListAsync(cancellationToken)).FirstOrDefault(d => d.Name == dataset || d.EntitySet == dataset || d.Title == dataset)
            ?? throw Invalid("GRANT_DATASET_UNKNOWN", $"目录中没有数据集“{Short(dataset)}”。", "用数据集名称（如 population）、实体集名称（如 Population）或中文标题；先用 datahub ingest 入湖。");
        var json = await datasets.GetSchemaJsonAsync(entry.Name, entry.SchemaVersion, cancellationToken)
            ?? throw new InvalidOperationException($"The catalog has no schema {entry.Name} {entry.SchemaVersion}.");
        return SchemaLoader.Parse(json, $"catalog:{entry.Name}@{entry.SchemaVersion}");
    }

    private static IReadOnlyList<string>? ResolveFields(DatasetSchema schema, IReadOnlyList<string>? fields)
    {
        if (fields is null || fields.Count == 0) return null;
        var names = new List<string>();
        foreach (var f in fields)
        {
            var field = schema.Fields.FirstOrDefault(x => x.Name == f || x.Title == f)
                ?? throw Invalid("GRANT_FIELD_UNKNOWN", $"数据集“{schema.Title}”没有字段“{Short(f)}”。", "用字段名或中文标题，见 $metadata 或目录页。");
            if (!names.Contains(field.Name)) names.Add(field.Name);
        }
        return names;
    }

    private string RequireSteward(Principal actor)
    {
        if (actor.Role != Role.Steward || DivisionCode.LevelOf(actor.ScopeCode ?? "") != DivisionLevel.District)
            throw Invalid("GRANT_FORBIDDEN", $"只有区级数据管理员可以管理开放清单（{actor.Name} 不是）。", "用 --as 给出本区数据管理员的用户名。");
        return actor.ScopeCode!;
    }

    private void CheckUnit(string unit, string district)
    {
        if (DivisionCode.LevelOf(unit) is not { } level || (int)level < (int)DivisionLevel.District || divisions.Find(unit) is null)
            throw Invalid("GRANT_UNIT_UNKNOWN", $"区划代码“{Short(unit)}”不在区划参考表中。", "给出区县（6 位）、街道（9 位）或社区（12 位）统计用区划代码。");
        if (!DivisionCode.IsWithin(unit, district))
            throw Invalid("GRANT_UNIT_OUTSIDE", $"区划代码“{unit}”不在本区（{district}）内。", "只能向本区的街道和社区开放。");
    }

    private void CheckPeriod(DateTimeOffset? from, DateTimeOffset? until)
    {
        if (until is { } u && from is { } f && u <= f)
            throw Invalid("GRANT_PERIOD", "有效期的结束日期必须晚于开始日期。", "检查 --from 和 --until。");
        if (until is { } end && end <= time.GetUtcNow())
            throw Invalid("GRANT_PERIOD", "有效期的结束日期已经过去。", "用 --until 给出将来的日期，如 2027-12-31。");
    }

    private static string NewId() => "g" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Short(string? s) => s is null ? "" : s.Length > 40 ? s[..40] + "…" : s;

    private static DataHubException Invalid(string code, string message, string fix) => new(FailureKind.Config, code, message, fix: fix);

    private static DataHubException NotFound(string id) =>
        Invalid("GRANT_NOT_FOUND", $"本区没有编号为“{Short(id)}”的开放条目。", "用 datahub grants list 查看条目编号。");
}
