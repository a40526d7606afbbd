using System.Data.Common;
using System.Globalization;
using DataHub.Catalog.Changes;
using DataHub.Catalog.Storage;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Standards;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Principals;

/// <summary>A principal as stored: the public part plus the secret hashes.</summary>
/// <param name="ApiKeyHash">The hash of the API key the principal was found by (null when found by name).</param>
public sealed record StoredPrincipal(Principal Principal, string? PasswordHash, string? ApiKeyHash, bool Disabled);

/// <summary>A principal as the steward's lists show it (no secrets).</summary>
public sealed record PrincipalInfo(Principal Principal, bool Disabled, bool HasPassword, int ActiveKeys, DateTimeOffset CreatedAt, DateTimeOffset? UpdatedAt);

/// <summary>
/// Principals (users and API clients) with their role and division unit, and their API keys
/// (several per principal; only SHA-256 hashes are stored, the secret is shown once when issued).
/// Every change is recorded in the catalog-change audit with its actor and bumps
/// <see cref="ChangeKind.Principals"/>, so caches of credentials drop at once.
/// </summary>
public sealed class PrincipalStore(CatalogDatabase db, TimeProvider time, IDivisionDirectory divisions, CatalogChangeLog changes)
{
    public static string RoleName(Role role) => role switch
    {
        Role.Steward => "steward",
        Role.Analyst => "analyst",
        Role.StreetWorker => "street_worker",
        Role.CommunityWorker => "community_worker",
        Role.Operator => "operator",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static Role ParseRole(string name) => name switch
    {
        "steward" => Role.Steward,
        "analyst" => Role.Analyst,
        "street_worker" => Role.StreetWorker,
        "community_worker" => Role.CommunityWorker,
        "operator" => Role.Operator,
        _ => throw new ArgumentException($"未知角色“{name}”", nameof(name)),
    };

    /// <summary>zh-CN name of a role, for lists and messages.</summary>
    public static string RoleTitle(Role role) => role switch
    {
        Role.Steward => "数据管理员",
        Role.Analyst => "数据分析员",
        Role.StreetWorker => "街道工作人员",
        Role.CommunityWorker => "社区工作人员",
        _ => "运维人员",
    };

    /// <summary>The unit level a role is bound to: stewards, analysts and operators a district, the others their street or community.</summary>
    public static DivisionLevel UnitLevel(Role role) => role switch
    {
        Role.StreetWorker => DivisionLevel.Street,
        Role.CommunityWorker => DivisionLevel.Community,
        _ => DivisionLevel.District,
    };

    /// <summary>
    /// Creates or replaces a principal without the checks of <see cref="AddAsync"/> (the demo's
    /// fixed principals); the API key, if any, becomes the principal's only active key.
    /// </summary>
    public async Task UpsertAsync(Principal p, string? password, string? apiKey, CancellationToken cancellationToken)
    {
        await changes.RunAsync(ChangeKind.Principals, async (conn, tx) =>
        {
            var now = Timestamp(time.GetUtcNow());
            await ExecAsync(conn, tx, """
                INSERT INTO principals (name, display_name, role, scope_code, password_hash, api_key_hash, disabled, created_at, updated_at)
                VALUES (@n, @dn, @r, @s, @pw, NULL, 0, @now, @now)
                ON CONFLICT (name) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
                    scope_code = excluded.scope_code, password_hash = excluded.password_hash, disabled = 0, updated_at = excluded.updated_at
                """,
                [("n", p.Name), ("dn", p.DisplayName), ("r", RoleName(p.Role)), ("s", p.ScopeCode),
                 ("pw", password is null ? null : SecretHasher.HashPassword(password)), ("now", now)], cancellationToken);
            await ExecAsync(conn, tx, "UPDATE api_keys SET revoked_at = @now, revoked_by = 'system' WHERE principal = @n AND revoked_at IS NULL",
                [("n", p.Name), ("now", now)], cancellationToken);
            if (apiKey is not null)
            {
                var hash = SecretHasher.HashApiKey(apiKey);
                // Re-running the demo re-issues the same key: revive its row rather than insert a duplicate hash.
                var revived = await ExecAsync(conn, tx, "UPDATE api_keys SET revoked_at = NULL, revoked_by = NULL, principal = @n WHERE key_hash = @h",
                    [("n", p.Name), ("h", hash)], cancellationToken);
                if (revived == 0) await InsertKeyAsync(conn, tx, NewKeyId(), p.Name, hash, "初始密钥", Hint(apiKey), "system", now, cancellationToken);
            }
            return (0, Change("system", p.Name, "upsert", $"角色 {RoleName(p.Role)}，单位 {p.ScopeCode}"));
        }, cancellationToken);
    }

    /// <summary>
    /// Creates a principal bound to a unit of the division reference at the level its role needs
    /// (steward/analyst/operator: district; street worker: street; community worker: community).
    /// </summary>
    public async Task<Principal> AddAsync(Principal p, string password, string actor, CancellationToken cancellationToken)
    {
        CheckName(p.Name);
        CheckUnit(p.Role, p.ScopeCode);
        CheckPassword(password);
        if (string.IsNullOrWhiteSpace(p.DisplayName)) throw Invalid("PRINCIPAL_DISPLAY_NAME", "显示名称不能为空。", "用 --display 给出姓名或岗位，例如“马群社区网格员”。");
        if (await FindByNameAsync(p.Name, cancellationToken) is not null)
            throw Invalid("PRINCIPAL_EXISTS", $"用户名“{p.Name}”已存在。", "换一个用户名，或用 datahub users reset 重置其密码。");
        return await changes.RunAsync(ChangeKind.Principals, async (conn, tx) =>
        {
            var now = Timestamp(time.GetUtcNow());
            await ExecAsync(conn, tx, """
                INSERT INTO principals (name, display_name, role, scope_code, password_hash, api_key_hash, disabled, created_at, updated_at)
                VALUES (@n, @dn, @r, @s, @pw, NULL, 0, @now, @now)
                """,
                [("n", p.Name), ("dn", p.DisplayName.Trim()), ("r", RoleName(p.Role)), ("s", p.ScopeCode),
                 ("pw", SecretHasher.HashPassword(password)), ("now", now)], cancellationToken);
            return (p with { DisplayName = p.DisplayName.Trim() }, Change(actor, p.Name, "add", $"角色 {RoleName(p.Role)}，单位 {p.ScopeCode}"));
        }, cancellationToken);
    }

    /// <summary>Disables or re-enables a principal; a disabled principal is refused at once (its keys too).</summary>
    public Task SetDisabledAsync(string name, bool disabled, string actor, CancellationToken cancellationToken) =>
        UpdateAsync(name, "disabled = @v", ("v", disabled ? 1 : 0), actor, disabled ? "disable" : "enable", null, cancellationToken);

    /// <summary>Sets a new password (the old one stops working at once).</summary>
    public Task ResetPasswordAsync(string name, string newPassword, string actor, CancellationToken cancellationToken)
    {
        CheckPassword(newPassword);
        return UpdateAsync(name, "password_hash = @v", ("v", SecretHasher.HashPassword(newPassword)), actor, "reset-password", null, cancellationToken);
    }

    private async Task UpdateAsync(string name, string set, (string, object?) value, string actor, string action, string? detail, CancellationToken cancellationToken)
    {
        await changes.RunAsync(ChangeKind.Principals, async (conn, tx) =>
        {
            var n = await ExecAsync(conn, tx, $"UPDATE principals SET {set}, updated_at = @now WHERE name = @n",
                [value, ("n", name), ("now", Timestamp(time.GetUtcNow()))], cancellationToken);
            if (n == 0) throw NotFound(name);
            return (0, Change(actor, name, action, detail));
        }, cancellationToken);
    }

    /// <summary>Issues a new API key for a principal; the returned secret is shown once and never stored.</summary>
    public async Task<IssuedApiKey> IssueKeyAsync(string name, string? label, string actor, CancellationToken cancellationToken)
    {
        if (await FindByNameAsync(name, cancellationToken) is null) throw NotFound(name);
        var secret = SecretHasher.NewApiKey();
        var id = NewKeyId();
        label = string.IsNullOrWhiteSpace(label) ? "API 密钥" : label.Trim();
        var now = time.GetUtcNow();
        await changes.RunAsync(ChangeKind.Principals, async (conn, tx) =>
        {
            await InsertKeyAsync(conn, tx, id, name, SecretHasher.HashApiKey(secret), label, Hint(secret), actor, Timestamp(now), cancellationToken);
            return (0, Change(actor, name, "issue-key", $"密钥 {id}（{label}）"));
        }, cancellationToken);
        return new IssuedApiKey(new ApiKeyInfo(id, name, label, Hint(secret), now, actor, null, null), secret);
    }

    /// <summary>Revokes a key (by its id); requests with it are refused at once.</summary>
    public async Task RevokeKeyAsync(string keyId, string actor, CancellationToken cancellationToken)
    {
        var key = await FindKeyAsync(keyId, cancellationToken) ?? throw KeyNotFound(keyId);
        if (key.RevokedAt is not null) throw Invalid("API_KEY_REVOKED", $"密钥 {keyId} 已于 {key.RevokedAt:yyyy-MM-dd HH:mm} 吊销。", "用 datahub keys list 查看有效的密钥。");
        await changes.RunAsync(ChangeKind.Principals, async (conn, tx) =>
        {
            await ExecAsync(conn, tx, "UPDATE api_keys SET revoked_at = @now, revoked_by = @actor WHERE id = @id",
                [("id", keyId), ("now", Timestamp(time.GetUtcNow())), ("actor", actor)], cancellationToken);
            return (0, Change(actor, key.Principal, "revoke-key", $"密钥 {keyId}（{key.Label}）"));
        }, cancellationToken);
    }

    /// <summary>Replaces a key: the old one is revoked and a new one with the same label issued, in that order.</summary>
    public async Task<IssuedApiKey> RotateKeyAsync(string keyId, string actor, CancellationToken cancellationToken)
    {
        var key = await FindKeyAsync(keyId, cancellationToken) ?? throw KeyNotFound(keyId);
        await RevokeKeyAsync(keyId, actor, cancellationToken);
        return await IssueKeyAsync(key.Principal, key.Label, actor, cancellationToken);
    }

    /// <summary>Keys of one principal (or of all, when <paramref name="name"/> is null), newest first, revoked ones included.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListKeysAsync(string? name, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, KeySelect + (name is null ? "" : " WHERE principal = @n") + " ORDER BY created_at DESC, id",
            name is null ? [] : [("n", name)], MapKey, cancellationToken);
    }

    public async Task<ApiKeyInfo?> FindKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null, KeySelect + " WHERE id = @id", [("id", keyId)], MapKey, cancellationToken)).FirstOrDefault();
    }

    public async Task<StoredPrincipal?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null, Select + " WHERE name = @n", [("n", name)], r => Map(r, null), cancellationToken)).FirstOrDefault();
    }

    /// <summary>The principal holding this (unrevoked) key, or null.</summary>
    public async Task<StoredPrincipal?> FindByApiKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        var hash = SecretHasher.HashApiKey(apiKey);
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null,
            Select + " WHERE name = (SELECT principal FROM api_keys WHERE key_hash = @h AND revoked_at IS NULL)",
            [("h", hash)], r => Map(r, hash), cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<Principal>> ListAsync(CancellationToken cancellationToken) =>
        (await ListDetailedAsync(cancellationToken)).Select(p => p.Principal).ToList();

    /// <summary>Every principal with its state and number of active keys, by name.</summary>
    public async Task<IReadOnlyList<PrincipalInfo>> ListDetailedAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, """
            SELECT p.name, p.display_name, p.role, p.scope_code, p.password_hash, p.disabled, p.created_at, p.updated_at,
                   (SELECT COUNT(*) FROM api_keys k WHERE k.principal = p.name AND k.revoked_at IS NULL)
            FROM principals p ORDER BY p.name
            """, [], r => new PrincipalInfo(
                new Principal(r.GetString(0), r.GetString(1), ParseRole(r.GetString(2)), r.GetString(3)),
                Long(r, 5) != 0, !r.IsDBNull(4), (int)Long(r, 8), ParseTimestamp(r.GetString(6)),
                r.IsDBNull(7) ? null : ParseTimestamp(r.GetString(7))), cancellationToken);
    }

    /// <summary>Enabled stewards with a password: none means nobody can run the district's sharing yet.</summary>
    public async Task<int> CountActiveStewardsAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (int)Convert.ToInt64(await ScalarAsync(conn, null,
            "SELECT COUNT(*) FROM principals WHERE role = 'steward' AND disabled = 0 AND password_hash IS NOT NULL", [], cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Checks that <paramref name="code"/> is a unit of the reference at the level <paramref name="role"/> is bound to.</summary>
    public void CheckUnit(Role role, string code)
    {
        var want = UnitLevel(role);
        var levelName = want switch { DivisionLevel.Street => "街道（9 位）", DivisionLevel.Community => "社区（12 位）", _ => "区县（6 位）" };
        if (DivisionCode.LevelOf(code ?? "") != want)
            throw Invalid("PRINCIPAL_UNIT_LEVEL", $"{RoleTitle(role)}必须绑定到{levelName}区划代码，给出的是“{Trim(code)}”。", "用 --unit 给出正确层级的统计用区划代码。");
        if (divisions.Find(code!) is null)
            throw Invalid("PRINCIPAL_UNIT_UNKNOWN", $"区划代码“{code}”不在区划参考表中。", "核对统计用区划代码（可在目录的区划表中查到）。");
    }

    private static void CheckName(string name)
    {
        if (name.Length is < 2 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw Invalid("PRINCIPAL_NAME", $"用户名“{Trim(name)}”不合规：应为 2 到 64 个英文字母、数字、“-”“_”或“.”。", "例如 maqun-community 或 zhang.san。");
    }

    private static void CheckPassword(string password)
    {
        if (password.Length < 10)
            throw Invalid("PASSWORD_TOO_SHORT", "密码至少 10 个字符。", "不给出 --password 时系统会生成一个随机密码并只显示一次。");
    }

    private static async Task InsertKeyAsync(DbConnection conn, DbTransaction tx, string id, string name, string hash, string label, string hint, string actor, string now, CancellationToken cancellationToken) =>
        await ExecAsync(conn, tx, """
            INSERT INTO api_keys (id, principal, key_hash, label, hint, created_at, created_by)
            VALUES (@id, @n, @h, @label, @hint, @now, @actor)
            """, [("id", id), ("n", name), ("h", hash), ("label", label), ("hint", hint), ("now", now), ("actor", actor)], cancellationToken);

    private CatalogChange Change(string actor, string subject, string action, string? detail) =>
        new(time.GetUtcNow(), actor, "principal", subject, action, detail);

    private static string NewKeyId() => "k" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5));

    /// <summary>Enough of a key to recognise it in a list, far too little to use it.</summary>
    private static string Hint(string secret) => secret.Length > 7 ? secret[..7] + "…" : "…";

    private static string Trim(string? s) => s is null ? "" : s.Length > 20 ? s[..20] + "…" : s;

    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    internal static DataHubException Invalid(string code, string message, string fix) => new(FailureKind.Config, code, message, fix: fix);

    private static DataHubException NotFound(string name) =>
        Invalid("PRINCIPAL_NOT_FOUND", $"没有用户名为“{Trim(name)}”的账号。", "用 datahub users list 查看已有账号。");

    private static DataHubException KeyNotFound(string id) =>
        Invalid("API_KEY_NOT_FOUND", $"没有编号为“{Trim(id)}”的 API 密钥。", "用 datahub keys list 查看密钥编号。");

    private const string Select = "SELECT name, display_name, role, scope_code, password_hash, disabled FROM principals";

    private const string KeySelect = "SELECT id, principal, label, hint, created_at, created_by, revoked_at, revoked_by FROM api_keys";

    private static StoredPrincipal Map(DbDataReader r, string? keyHash) => new(
        new Principal(r.GetString(0), r.GetString(1), ParseRole(r.GetString(2)), r.GetString(3)),
        NullableString(r, 4), keyHash, Long(r, 5) != 0);

    private static ApiKeyInfo MapKey(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        ParseTimestamp(r.GetString(4)), r.GetString(5), r.IsDBNull(6) ? null : ParseTimestamp(r.GetString(6)), NullableString(r, 7));
}

/// <summary>An API key as listed: never the secret, only a hint of its first characters.</summary>
public sealed record ApiKeyInfo(string Id, string Principal, string Label, string Hint, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public bool Active => RevokedAt is null;
}

/// <summary>A key just issued: <see cref="Secret"/> is shown once and not kept anywhere.</summary>
public sealed record IssuedApiKey(ApiKeyInfo Key, string Secret);
