using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>A steward brings a new community worker into service from the UI; the worker's feed is its community only.</summary>
[Collection(UiServerCollection.Name)]
public sealed class PrincipalFlowTests(UiServer server)
{
    private const string Community = "320113002003";

    [Fact]
    public async Task Steward_CreatesACommunityWorker_WhoseFeedAnswersExactlyItsCommunity()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await page.WaitForURLAsync(server.BaseUri.ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "用户与密钥" }).ClickAsync();

        await page.GetByLabel("用户名（登录用）").FillAsync("new-worker");
        await page.GetByLabel("显示名称").FillAsync("新社区网格员");
        await page.GetByLabel("角色").SelectOptionAsync("community_worker");
        await page.GetByLabel("范围（区划代码）").FillAsync(Community);
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成初始密码" }).ClickAsync();

        var secret = page.Locator("#revealed-secret");
        await Assertions.Expect(secret).ToBeVisibleAsync();
        var password = (await secret.TextContentAsync())!.Trim();
        Assert.DoesNotContain(password, page.Url, StringComparison.Ordinal);
        await browser.ScreenshotAsync("steward-created-worker");

        var client = UiServer.Feed("new-worker", password);
        var model = await client.GetMetadataAsync(server.ServiceRoot);
        var feed = await client.ReadFeedAsync(new Uri(server.ServiceRoot, "Population?$count=true"), model);
        var expected = server.Manifest.AcceptedByCommunity.GetValueOrDefault(Community);
        Assert.True(expected > 0, "the demo export has rows in this community");
        Assert.Equal(expected, feed.Rows.Count);
        Assert.All(feed.Rows, r => Assert.Equal(Community, r["社区代码"]));

        // Reloading the page does not show the secret again.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#revealed-secret")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CreatingAWorkerWithABadScope_ShowsAChineseErrorOnTheForm()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await page.WaitForURLAsync(server.BaseUri.ToString());
        await page.GotoAsync("/principals");
        await page.GetByLabel("用户名（登录用）").FillAsync("bad-scope");
        await page.GetByLabel("显示名称").FillAsync("错误范围");
        await page.GetByLabel("角色").SelectOptionAsync("community_worker");
        await page.GetByLabel("范围（区划代码）").FillAsync("320113002");
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成初始密码" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("12 位社区代码");
        Assert.Null(await server.Engine.Catalog.Principals.FindByNameAsync("bad-scope", default));
    }
}
