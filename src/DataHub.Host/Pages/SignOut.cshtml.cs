using DataHub.Host.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages;

/// <summary>Signing out is a POST (with the antiforgery token), so a link on another site cannot sign anyone out.</summary>
public sealed class SignOutModel : UiPage
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(DataHubAuthentication.CookieScheme);
        return LocalRedirect("/signin");
    }
}
