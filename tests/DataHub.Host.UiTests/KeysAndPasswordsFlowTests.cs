using System.Net;
using DataHub.Core.Access;
using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>
/// A steward issues, rotates and revokes a worker's API key and resets its password from the UI;
/// each change bites on the very next feed request, and no secret ever reaches a URL.
/// </summary>
[Collection(UiServerCollection.Name)]
public sealed class KeysAndPasswordsFlowTests(UiServer server)
{
    [Fact]
    public async Task Steward_IssuesRotatesAndRevokesAKey_AndResetsThePassword_EachBitesAtOnce()
    {
        const string worker = "key-worker";
        await server.Engine.Catalog.Principals.AddAsync(new Principal(worker, "密钥测试网格员", Role.CommunityWorker, UiServer.MaqunCommunity),
            "Pw-key-worker-1", "steward", default);
        var urls = new List<string>();

        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "keysandpasswordsflow-24");
        page.Request += (_, r) => urls.Add(r.Url);
        await page.GotoAsync("/principals");

        // Issue: the key is shown once and opens the feed (any user name, the key as password).
        await page.GetByLabel($"{worker} 的新密钥用途").FillAsync("Excel 报表");
        await page.GetByRole(AriaRole.Button, new() { Name = $"为 {worker} 生成 API 密钥" }).ClickAsync();
        var first = await RevealedAsync(page);
        await Assertions.Expect(page.Locator($"tr[data-principal='{worker}']")).ToContainTextAsync("Excel 报表");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("excel", first));
        await browser.ScreenshotAsync("steward-issued-key");

        // Rotate: a new key, the old one refused on the next request.
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex($"^轮换 {worker} 的密钥") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已吊销");
        var second = await RevealedAsync(page);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("excel", first));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("excel", second));

        // Revoke: refused at once.
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex($"^吊销 {worker} 的密钥") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("立即被拒绝");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("excel", second));

        // Reset the password: the new one works, the old one is refused at once.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(worker, "Pw-key-worker-1"));
        await page.GetByRole(AriaRole.Button, new() { Name = $"重置 {worker} 的密码" }).ClickAsync();
        var password = await RevealedAsync(page);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(worker, "Pw-key-worker-1"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(worker, password));
        await browser.ScreenshotAsync("steward-reset-password");

        // Every change was a POST: no secret and no user name travelled in a URL.
        Assert.NotEmpty(urls);
        Assert.All(urls, u => Assert.DoesNotContain(worker, Uri.UnescapeDataString(u), StringComparison.Ordinal));
        Assert.All(urls, u => Assert.DoesNotContain(password, u, StringComparison.Ordinal));
        Assert.All(urls, u => Assert.DoesNotContain(second, u, StringComparison.Ordinal));
    }

    private static async Task<string> RevealedAsync(IPage page)
    {
        var secret = page.Locator("#revealed-secret");
        await Assertions.Expect(secret).ToBeVisibleAsync();
        var value = (await secret.TextContentAsync())!.Trim();
        Assert.True(value.Length >= 12, $"a generated secret, got “{value}”");
        return value;
    }

    private Task<HttpStatusCode> StatusAsync(string user, string password) => server.FeedStatusAsync(user, password);
}
