using DataHub.Core.Access;
using DataHub.Host.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DataHub.Host.Pages;

/// <summary>The UI sign-in: the same checks, throttle and audit as the feeds, then the sign-in cookie.</summary>
public sealed class SignInModel : PageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>A local path to return to after signing in (never a personal value: paths only).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            Error = "请填写用户名和密码。";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var outcome = await HttpContext.RequestServices.GetRequiredService<PrincipalAuthenticator>().AuthenticateAsync(new PresentedCredentials(UserName.Trim(), Password, PasswordOnly: true),
            CredentialsAuthenticationHandler.ClientAddress(HttpContext), cancellationToken);
        if (outcome.RetryAfter is { } wait)
        {
            Error = LoginMessages.Throttled(Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (outcome.Principal is not { } principal)
        {
            Error = LoginMessages.WrongCredentials;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(DataHubAuthentication.CookieScheme, DataHubClaims.ToClaims(principal, DataHubAuthentication.CookieScheme));
        if (!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) && !ReturnUrl.StartsWith("/signin", StringComparison.Ordinal)) return LocalRedirect(ReturnUrl);
        return LocalRedirect(principal.Role is Role.CommunityWorker or Role.StreetWorker ? "/my" : "/");
    }
}
