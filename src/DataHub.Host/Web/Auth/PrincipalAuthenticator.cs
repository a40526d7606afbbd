using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using DataHub.Catalog.Changes;
using DataHub.Catalog.Principals;
using DataHub.Core.Access;

namespace DataHub.Host.Web.Auth;

/// <summary>The answer to one sign-in attempt.</summary>
internal sealed record SignInOutcome(Principal? Principal, TimeSpan? RetryAfter)
{
    public static readonly SignInOutcome Failed = new(null, null);

    public bool Succeeded => Principal is not null;

    public bool Throttled => RetryAfter is not null;
}

/// <summary>
/// Checks presented credentials (feeds, UI sign-in, dashboard) without a catalog read per request:
/// <list type="bullet">
/// <item>a verified credential is cached, keyed by a SHA-256 of the kind, user name and secret
/// (never the secret itself), together with the value of the catalog's
/// <see cref="ChangeKind.Principals"/> counter it was verified at. Every change to principals or
/// keys (disable, reset, revoke, rotate, role or scope) bumps that counter, so the cached entry is
/// dropped: at once for a change made in this process (the counter moves on commit), and within
/// the poll interval (about 2 s, <see cref="ServedDatasetsRefresher"/>) for one made by another
/// process such as the CLI. Entries also expire after <see cref="VerifiedFor"/>;</item>
/// <item>an unknown or disabled user costs the same PBKDF2 work as a known one (a dummy verify), so the
/// answer time does not reveal which user names exist; failures are never cached;</item>
/// <item>failures are throttled per user and per client address (<see cref="LoginThrottle"/>) and audited.</item>
/// </list>
/// </summary>
internal sealed class PrincipalAuthenticator(PrincipalStore principals, ChangeSignal changes, LoginThrottle throttle, FailedLoginAudit audit, TimeProvider time)
{
    private static readonly TimeSpan VerifiedFor = TimeSpan.FromMinutes(5);
    private const int MaxCached = 10_000;
    private static readonly Lazy<string> DummyHash = new(() => SecretHasher.HashPassword(SecretHasher.NewPassword()));
    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);
    private long _passwordVerifications;
    private long _catalogReads;

    private sealed record Verified(Principal Principal, long Generation, DateTimeOffset Until);

    /// <summary>PBKDF2 verifications run so far (real or dummy): tests prove unknown users cost the same work.</summary>
    public long PasswordVerifications => Interlocked.Read(ref _passwordVerifications);

    /// <summary>Principal reads from the catalog so far: tests prove a cached credential costs none.</summary>
    public long CatalogReads => Interlocked.Read(ref _catalogReads);

    public async Task<SignInOutcome> AuthenticateAsync(PresentedCredentials credentials, string clientAddress, CancellationToken cancellationToken)
    {
        var user = credentials.IsApiKey ? null : credentials.UserName;
        if (throttle.RetryAfter(user, clientAddress) is { } wait)
        {
            await audit.FailedAsync(user ?? "(API 密钥)", clientAddress);
            return new SignInOutcome(null, wait);
        }

        // Read before the lookup: a change committed meanwhile makes the entry stale at once.
        var generation = changes.Version(ChangeKind.Principals);
        var cacheKey = CacheKey(credentials, user);
        var now = time.GetUtcNow();
        if (_verified.TryGetValue(cacheKey, out var hit) && hit.Generation == generation && hit.Until > now)
        {
            throttle.Succeeded(user);
            return new SignInOutcome(hit.Principal, null);
        }

        var principal = credentials.IsApiKey
            ? await ByApiKeyAsync(credentials.Secret, cancellationToken)
            : user is null ? null : await ByPasswordAsync(user, credentials.Secret, cancellationToken);
        if (principal is not null)
        {
            if (_verified.Count >= MaxCached) _verified.Clear();
            _verified[cacheKey] = new Verified(principal, generation, now + VerifiedFor);
            throttle.Succeeded(user);
            return new SignInOutcome(principal, null);
        }
        _verified.TryRemove(cacheKey, out _);
        throttle.Failed(user, clientAddress);
        await audit.FailedAsync(user ?? "(API 密钥)", clientAddress);
        return SignInOutcome.Failed;
    }

    /// <summary>The principal as the catalog holds it now, or null when it no longer exists or is disabled (cookie re-validation).</summary>
    public async Task<Principal?> CurrentAsync(string name, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _catalogReads);
        var found = await principals.FindByNameAsync(name, cancellationToken);
        return found is null || found.Disabled ? null : found.Principal;
    }

    private static string CacheKey(PresentedCredentials credentials, string? user) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes((credentials.IsApiKey ? "k\0" : "p\0" + user + "\0") + credentials.Secret)));

    private async Task<Principal?> ByApiKeyAsync(string key, CancellationToken cancellationToken)
    {
        // A SHA-256 lookup costs the same whether or not the key exists.
        Interlocked.Increment(ref _catalogReads);
        var found = await principals.FindByApiKeyAsync(key, cancellationToken);
        return found is null || found.Disabled ? null : found.Principal;
    }

    private async Task<Principal?> ByPasswordAsync(string user, string password, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _catalogReads);
        var found = await principals.FindByNameAsync(user, cancellationToken);
        var storedHash = found?.PasswordHash;
        if (found is null || storedHash is null || found.Disabled)
        {
            Verify(password, DummyHash.Value);
            return null;
        }
        return Verify(password, storedHash) ? found.Principal : null;
    }

    private bool Verify(string password, string storedHash)
    {
        Interlocked.Increment(ref _passwordVerifications);
        return SecretHasher.VerifyPassword(password, storedHash);
    }
}
