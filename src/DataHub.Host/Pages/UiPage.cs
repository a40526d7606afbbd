using DataHub.Core.Access;
using DataHub.Host.Web.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DataHub.Host.Pages;

/// <summary>Base of the UI's pages: the signed-in principal and the address feeds are reached at.</summary>
public abstract class UiPage : PageModel
{
    /// <summary>The signed-in principal (every page but sign-in requires one, by convention).</summary>
    public Principal Me => DataHubClaims.FromClaims(User) ?? throw new InvalidOperationException("The page requires a signed-in principal.");

    public bool IsSteward => Me.Role == Role.Steward;

    /// <summary>The public base address (after forwarded headers), e.g. <c>https://data.example.gov.cn</c>.</summary>
    public string BaseUrl => $"{Request.Scheme}://{Request.Host}{Request.PathBase}";

    public string ServiceRoot => BaseUrl + "/odata/";

    /// <summary>A host service (the UI's services are internal, so pages resolve them rather than take them in a public constructor).</summary>
    protected T Service<T>() where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();
}
