using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using DataHub.Catalog.Changes;
using DataHub.Catalog.Principals;
using DataHub.Core.Access;

namespace DataHub.Host.Web;

/// <summary>
/// Authenticates feed requests the ways Excel offers (EXCEL-ODATA.md): HTTP Basic with user name
/// and password, Basic with any user name and an API key as the password, or <c>?api_key=</c>.
/// Verified credentials are cached briefly because PBKDF2 is deliberately slow and Power Query
/// sends one request per page.
/// </summary>
public sealed class CredentialAuthenticator(PrincipalStore principals, TimeProvider time, ChangeSignal? signal = null)
{
    public const string ApiKeyParameter = "api_key";
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (Principal Principal, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private long _principalsVersion;

    /// <summary>The principal the request proves, or null (the caller answers 401).</summary>
    public async Task<Principal?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (user, secret) = Read(request);
        if (secret is null) return null;
        // Disabling a principal, resetting a password or revoking a key bites at once: any change drops the cache.
        if (signal is not null)
        {
            var version = signal.Version(ChangeKind.Principals);
            if (Interlocked.Exchange(ref _principalsVersion, version) != version) _cache.Clear();
        }
        var cacheKey = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(user + "\n" + secret)));
        if (_cache.TryGetValue(cacheKey, out var hit) && hit.Until > time.GetUtcNow()) return hit.Principal;

        StoredPrincipal? found;
        if (secret.StartsWith("dh_", StringComparison.Ordinal))
        {
            found = await principals.FindByApiKeyAsync(secret, cancellationToken);
        }
        else
        {
            found = user is null ? null : await principals.FindByNameAsync(user, cancellationToken);
            if (found?.PasswordHash is null || !SecretHasher.VerifyPassword(secret, found.PasswordHash)) found = null;
        }
        if (found is null || found.Disabled) return null;
        if (_cache.Count > 10_000) _cache.Clear();
        _cache[cacheKey] = (found.Principal, time.GetUtcNow() + CacheFor);
        return found.Principal;
    }

    private static (string? User, string? Secret) Read(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 || (colon == 0 && text.Length > 1)) return (text[..colon], text[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }
        var key = request.Query[ApiKeyParameter].ToString();
        return key.Length > 0 ? (null, key) : (null, null);
    }
}
