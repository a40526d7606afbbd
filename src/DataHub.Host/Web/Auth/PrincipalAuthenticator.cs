using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
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
/// Checks presented credentials against the catalog for every request (feeds, UI sign-in, dashboard):
/// <list type="bullet">
/// <item>the principal row is read on every request, so disabling it or revoking a key bites at once;</item>
/// <item>only the slow PBKDF2 verification is cached, keyed by the stored hash as well as the secret,
/// so a password reset invalidates the entry by construction;</item>
/// <item>an unknown or disabled user costs the same PBKDF2 work as a known one (a dummy verify), so the
/// answer time does not reveal which user names exist;</item>
/// <item>failures are throttled per user and per client address (<see cref="LoginThrottle"/>) and audited.</item>
/// </list>
/// </summary>
internal sealed class PrincipalAuthenticator(PrincipalStore principals, LoginThrottle throttle, FailedLoginAudit audit, TimeProvider time)
{
    private static readonly TimeSpan VerifiedFor = TimeSpan.FromMinutes(5);
    private static readonly Lazy<string> DummyHash = new(() => SecretHasher.HashPassword(SecretHasher.NewPassword()));
    private readonly ConcurrentDictionary<string, DateTimeOffset> _verified = new(StringComparer.Ordinal);
    private long _passwordVerifications;

    /// <summary>PBKDF2 verifications run so far (real or dummy): tests prove unknown users cost the same work.</summary>
    public long PasswordVerifications => Interlocked.Read(ref _passwordVerifications);

    public async Task<SignInOutcome> AuthenticateAsync(PresentedCredentials credentials, string clientAddress, CancellationToken cancellationToken)
    {
        var user = credentials.IsApiKey ? null : credentials.UserName;
        if (throttle.RetryAfter(user, clientAddress) is { } wait)
        {
            await audit.FailedAsync(user ?? "(API 密钥)", clientAddress);
            return new SignInOutcome(null, wait);
        }

        var principal = credentials.IsApiKey
            ? await ByApiKeyAsync(credentials.Secret, cancellationToken)
            : user is null ? null : await ByPasswordAsync(user, credentials.Secret, cancellationToken);
        if (principal is not null)
        {
            throttle.Succeeded(user);
            return new SignInOutcome(principal, null);
        }
        throttle.Failed(user, clientAddress);
        await audit.FailedAsync(user ?? "(API 密钥)", clientAddress);
        return SignInOutcome.Failed;
    }

    /// <summary>The principal as the catalog holds it now, or null when it no longer exists or is disabled (cookie re-validation).</summary>
    public async Task<Principal?> CurrentAsync(string name, CancellationToken cancellationToken)
    {
        var found = await principals.FindByNameAsync(name, cancellationToken);
        return found is null || found.Disabled ? null : found.Principal;
    }

    private async Task<Principal?> ByApiKeyAsync(string key, CancellationToken cancellationToken)
    {
        // A SHA-256 lookup costs the same whether or not the key exists.
        var found = await principals.FindByApiKeyAsync(key, cancellationToken);
        return found is null || found.Disabled ? null : found.Principal;
    }

    private async Task<Principal?> ByPasswordAsync(string user, string password, CancellationToken cancellationToken)
    {
        var found = await principals.FindByNameAsync(user, cancellationToken);
        var storedHash = found?.PasswordHash;
        if (found is null || storedHash is null || found.Disabled)
        {
            Verify(password, DummyHash.Value);
            return null;
        }
        var cacheKey = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(user + "\0" + storedHash + "\0" + password)));
        var now = time.GetUtcNow();
        if (_verified.TryGetValue(cacheKey, out var until) && until > now) return found.Principal;
        if (!Verify(password, storedHash)) return null;
        if (_verified.Count > 10_000) _verified.Clear();
        _verified[cacheKey] = now + VerifiedFor;
        return found.Principal;
    }

    private bool Verify(string password, string storedHash)
    {
        Interlocked.Increment(ref _passwordVerifications);
        return SecretHasher.VerifyPassword(password, storedHash);
    }
}
