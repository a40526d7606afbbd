using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>Every form carries an antiforgery token; a post without it is refused and changes nothing.</summary>
[Collection(UiServerCollection.Name)]
public sealed class CsrfTests(UiServer server)
{
    [Fact]
    public async Task FormPostWithoutTheToken_IsRefused_AndCreatesNothing()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await page.WaitForURLAsync(server.BaseUri.ToString());
        await page.GotoAsync("/principals");
        Assert.Equal(1, await page.Locator("form[method=post] input[name=__csrf]").First.CountAsync());

        // The signed-in browser's cookies are sent, as a forged cross-site form would send them; only the token is missing.
        var form = browser.Context.APIRequest.CreateFormData();
        form.Set("Name", "forged-user");
        form.Set("DisplayName", "伪造");
        form.Set("RoleName", "steward");
        form.Set("Scope", "320113");
        var response = await browser.Context.APIRequest.PostAsync("/principals?handler=Create", new APIRequestContextOptions { Form = form });

        Assert.Equal(400, response.Status);
        Assert.Null(await server.Engine.Catalog.Principals.FindByNameAsync("forged-user", default));
    }
}
