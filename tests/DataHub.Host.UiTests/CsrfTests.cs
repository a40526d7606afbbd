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
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "csrf-14");
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

        // Every other form's handler refuses a post without the token the same way, changing nothing.
        var grants = (await server.Engine.Catalog.OpenList.ListAsync(default)).Count;
        var metadata = (await server.Engine.Catalog.Metadata.GetAsync("population", default))!.Version;
        string[] handlers = ["/principals?handler=Reset", "/principals?handler=Disable", "/principals?handler=IssueKey", "/principals?handler=RotateKey",
            "/principals?handler=RevokeKey", "/open-list?handler=Add", "/open-list?handler=Request", "/open-list?handler=Approve", "/open-list?handler=Reject",
            "/open-list?handler=Revoke", "/datasets/population?handler=Metadata", "/audit", "/audit?handler=Export", "/signout", "/signin"];
        foreach (var handler in handlers)
        {
            var forged = browser.Context.APIRequest.CreateFormData();
            forged.Set("Target", "maqun-community");
            forged.Set("Dataset", "population");
            forged.Set("Purpose", "伪造");
            forged.Set("meta-theme", "伪造主题");
            var refused = await browser.Context.APIRequest.PostAsync(handler, new APIRequestContextOptions { Form = forged, MaxRedirects = 0 });
            Assert.True(refused.Status == 400, $"{handler}: {refused.Status}");
        }
        Assert.Equal(grants, (await server.Engine.Catalog.OpenList.ListAsync(default)).Count);
        Assert.Equal(metadata, (await server.Engine.Catalog.Metadata.GetAsync("population", default))!.Version);
        Assert.False((await server.Engine.Catalog.Principals.FindByNameAsync("maqun-community", default))!.Disabled);
    }
}
