using System.Security.Claims;
using DataHub.Catalog.Principals;
using DataHub.Core.Access;

namespace DataHub.Host.Web.Auth;

/// <summary>
/// How an authenticated DataHub principal travels in ASP.NET Core: one authentication scheme
/// (<see cref="Scheme"/>) for feeds, the catalog UI and the job dashboard, whose
/// <see cref="ClaimsPrincipal"/> carries the principal's name, role and division scope as claims.
/// Everything that authorises (feeds, UI pages, the Hangfire dashboard filter) reads them from here.
/// </summary>
internal static class DataHubClaims
{
    /// <summary>The one authentication scheme every endpoint uses (Basic, API key, cookie behind it).</summary>
    public const string Scheme = "DataHub";

    /// <summary>The division code (6, 9 or 12 digits) that bounds every row the principal sees.</summary>
    public const string ScopeClaim = "datahub:scope";

    /// <summary>The zh-CN display name.</summary>
    public const string DisplayNameClaim = "datahub:display";

    public static ClaimsPrincipal ToClaims(Principal principal, string authenticationType) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, principal.Name),
                new Claim(ClaimTypes.Role, PrincipalStore.RoleName(principal.Role)),
                new Claim(ScopeClaim, principal.ScopeCode),
                new Claim(DisplayNameClaim, principal.DisplayName),
            ],
            authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The DataHub principal behind an authenticated user, or null for an anonymous one.</summary>
    public static Principal? FromClaims(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var name = user.FindFirstValue(ClaimTypes.Name);
        var role = user.FindFirstValue(ClaimTypes.Role);
        var scope = user.FindFirstValue(ScopeClaim);
        if (name is null || role is null || scope is null) return null;
        return new Principal(name, user.FindFirstValue(DisplayNameClaim) ?? name, PrincipalStore.ParseRole(role), scope);
    }

    /// <summary>Role names as stored in the catalog, for <c>[Authorize(Roles = …)]</c> and dashboard filters.</summary>
    public static string RoleName(Role role) => PrincipalStore.RoleName(role);
}
