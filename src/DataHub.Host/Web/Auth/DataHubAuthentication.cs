using System.Security.Claims;
using DataHub.Core.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace DataHub.Host.Web.Auth;

/// <summary>
/// Registers the one authentication scheme every endpoint uses, <see cref="DataHubClaims.Scheme"/>:
/// a policy scheme that forwards to the credentials handler (Basic / API key) when the request
/// presents credentials or is a feed request, and to the UI's sign-in cookie otherwise. Feeds,
/// the UI and the job dashboard therefore see the same <see cref="ClaimsPrincipal"/> (claims per
/// <see cref="DataHubClaims"/>) and share the same throttling and audit.
/// </summary>
internal static class DataHubAuthentication
{
    /// <summary>The Basic / API-key handler behind the policy scheme.</summary>
    public const string CredentialsScheme = "DataHub.Credentials";

    /// <summary>The UI's sign-in cookie behind the policy scheme.</summary>
    public const string CookieScheme = "DataHub.Cookie";

    public const string SignInPath = "/signin";

    /// <summary>Authorization policies: stewards manage; operators see the dashboard; everyone signed in sees their data.</summary>
    public const string StewardPolicy = "steward";
    public const string OperatorPolicy = "operator";

    public static IServiceCollection AddDataHubAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<FailedLoginAudit>();
        services.AddSingleton<PrincipalAuthenticator>();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = DataHubClaims.Scheme;
                o.DefaultSignInScheme = CookieScheme;
            })
            .AddPolicyScheme(DataHubClaims.Scheme, "DataHub", o => o.ForwardDefaultSelector = SelectHandler)
            .AddScheme<AuthenticationSchemeOptions, CredentialsAuthenticationHandler>(CredentialsScheme, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "DataHub.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = SignInPath;
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/denied";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = RevalidateAsync;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(StewardPolicy, p => p.AddAuthenticationSchemes(DataHubClaims.Scheme).RequireRole(DataHubClaims.RoleName(Role.Steward)))
            .AddPolicy(OperatorPolicy, p => p.AddAuthenticationSchemes(DataHubClaims.Scheme)
                .RequireRole(DataHubClaims.RoleName(Role.Steward), DataHubClaims.RoleName(Role.Operator)));
        return services;
    }

    /// <summary>Credentials win when present; feeds never use the cookie (their challenge must be Basic for Excel).</summary>
    private static string SelectHandler(HttpContext http) =>
        PresentedCredentials.AnyPresent(http.Request) || http.Request.Path.StartsWithSegments("/odata") ? CredentialsScheme : CookieScheme;

    /// <summary>
    /// Every request with a cookie re-reads the principal: a disabled or deleted principal is signed
    /// out at once, and a changed role or scope takes effect on the next page, not at cookie expiry.
    /// </summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.FindFirstValue(ClaimTypes.Name);
        var authenticator = context.HttpContext.RequestServices.GetRequiredService<PrincipalAuthenticator>();
        var current = name is null ? null : await authenticator.CurrentAsync(name, context.HttpContext.RequestAborted);
        if (current is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }
        var stored = DataHubClaims.FromClaims(context.Principal!);
        if (stored != current)
        {
            context.ReplacePrincipal(DataHubClaims.ToClaims(current, CookieScheme));
            context.ShouldRenew = true;
        }
    }
}
