using System.Data.Common;
using DataHub.Catalog.Storage;
using DataHub.Core.Access;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Principals;

/// <summary>A principal as stored: the public part plus the secret hashes.</summary>
public sealed record StoredPrincipal(Principal Principal, string? PasswordHash, string? ApiKeyHash, bool Disabled);

/// <summary>Principals (users and API clients) with their role and division scope.</summary>
public sealed class PrincipalStore(CatalogDatabase db, TimeProvider time)
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

    /// <summary>Creates or replaces a principal; pass the plain secrets, only their hashes are stored.</summary>
    public async Task UpsertAsync(Principal p, string? password, string? apiKey, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await ExecAsync(conn, null, """
            INSERT INTO principals (name, display_name, role, scope_code, password_hash, api_key_hash, disabled, created_at)
            VALUES (@n, @dn, @r, @s, @pw, @key, 0, @now)
            ON CONFLICT (name) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
                scope_code = excluded.scope_code, password_hash = excluded.password_hash,
                api_key_hash = excluded.api_key_hash, disabled = 0
            """,
            [("n", p.Name), ("dn", p.DisplayName), ("r", RoleName(p.Role)), ("s", p.ScopeCode),
             ("pw", password is null ? null : SecretHasher.HashPassword(password)),
             ("key", apiKey is null ? null : SecretHasher.HashApiKey(apiKey)), ("now", Timestamp(time.GetUtcNow()))], cancellationToken);
    }

    public async Task<StoredPrincipal?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null, Select + " WHERE name = @n", [("n", name)], Map, cancellationToken)).FirstOrDefault();
    }

    public async Task<StoredPrincipal?> FindByApiKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null, Select + " WHERE api_key_hash = @h", [("h", SecretHasher.HashApiKey(apiKey))], Map, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<Principal>> ListAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null, Select + " ORDER BY name", [], Map, cancellationToken)).Select(p => p.Principal).ToList();
    }

    private const string Select = "SELECT name, display_name, role, scope_code, password_hash, api_key_hash, disabled FROM principals";

    private static StoredPrincipal Map(DbDataReader r) => new(
        new Principal(r.GetString(0), r.GetString(1), ParseRole(r.GetString(2)), r.GetString(3)),
        NullableString(r, 4), NullableString(r, 5), Convert.ToInt64(r.GetValue(6), System.Globalization.CultureInfo.InvariantCulture) != 0);
}
