using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>
/// What every page owes its users, checked page by page at 1366x768: no horizontal scrolling, a label
/// for every input, an antiforgery token in every form that posts, and no form that would put what a
/// user typed (a name, a filter) into a URL except the catalog search. And the forms work from the
/// keyboard alone.
/// </summary>
[Collection(UiServerCollection.Name)]
public sealed class PageHygieneTests(UiServer server)
{
    private static readonly string[] StewardPages = ["/", "/datasets/population", "/my", "/open-list", "/principals", "/audit", "/catalog-export"];
    private static readonly string[] WorkerPages = ["/my", "/", "/datasets/population", "/open-list", "/denied"];

    [Fact]
    public async Task EveryPage_FitsAt1366_LabelsEveryInput_AndEveryPostCarriesAToken()
    {
        await using (var anonymous = await server.NewBrowserAsync())
        {
            var page = await anonymous.PageAsync();
            await page.GotoAsync("/signin");
            await AssertHygieneAsync(page, "/signin");
        }
        foreach (var (user, pages) in new[] { ("steward", StewardPages), ("maqun-community", WorkerPages) })
        {
            await using var browser = await server.NewBrowserAsync();
            var page = await browser.SignInAsync(user, server.Credential(user).Password);
            await page.WaitForLoadStateAsync();
            foreach (var path in pages)
            {
                var response = await page.GotoAsync(path);
                Assert.True(response!.Ok || path == "/denied", $"{user} {path}: {response.Status}");
                // Open every <details> (run reports, entry histories, the metadata form) so their content is measured too.
                await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
                await AssertHygieneAsync(page, $"{user} {path}");
            }
        }
    }

    [Fact]
    public async Task KeyboardOnly_SignsIn_AndCreatesAUser()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.PageAsync();
        await page.GotoAsync("/signin");

        // The user name has focus on arrival (or is reached by Tab); type, Tab to the password, type, Enter.
        await TabToAsync(page, "#username");
        await page.Keyboard.TypeAsync("steward");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("password", await page.EvaluateAsync<string>("() => document.activeElement.type"));
        await page.Keyboard.TypeAsync(server.Credential("steward").Password);
        await page.Keyboard.PressAsync("Enter");
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "keyboard-signin");

        // The skip link is the first stop and moves focus to the content.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("跳到正文", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));

        // Create a user on the principals page without touching the mouse.
        await page.GotoAsync("/principals");
        await TabToAsync(page, "#name");
        await page.Keyboard.TypeAsync("keyboard-worker");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("键盘网格员");
        await page.Keyboard.PressAsync("Tab"); // the role: the first option, community worker, is the default
        Assert.Equal("role", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(UiServer.MaqunCommunity);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#revealed-secret")).ToBeVisibleAsync();
        var created = await server.Engine.Catalog.Principals.FindByNameAsync("keyboard-worker", default);
        Assert.NotNull(created);
        Assert.Equal((DataHub.Core.Access.Role.CommunityWorker, UiServer.MaqunCommunity), (created.Principal.Role, created.Principal.ScopeCode));
        await browser.ScreenshotAsync("keyboard-created-user");
    }

    /// <summary>Presses Tab until the element matching <paramref name="selector"/> has focus (at most 40 times).</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 40; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector)) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached {selector}");
    }

    private static async Task AssertHygieneAsync(IPage page, string where)
    {
        var width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
        Assert.True(width <= 1366, $"{where}: the page is {width}px wide at a 1366px window (horizontal scrolling)");

        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea')]
                .filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button')
                .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))
                .map(e => e.outerHTML)
            """);
        Assert.True(unlabelled.Length == 0, $"{where}: inputs without a label: {string.Join(" ", unlabelled)}");

        var forms = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('form')]
                .filter(f => f.method === 'post' ? !f.querySelector('input[name=__csrf]') : f.getAttribute('role') !== 'search')
                .map(f => f.outerHTML.slice(0, 200))
            """);
        Assert.True(forms.Length == 0, $"{where}: forms that post without a token, or put input into the URL: {string.Join(" ", forms)}");
    }
}
