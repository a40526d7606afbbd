using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>A steward brings a new community worker into service from the UI; the worker's feed is its community only.</summary>
[Collection(UiServerCollection.Name)]
public sealed class PrincipalFlowTests(UiServer server)
{
    private const string Community = "320113002003";

    [Fact]
    public async Task Steward_CreatesAWorker_GrantsTheDataset_FeedIsExactlyItsCommunity_RevokeMakesIt404()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "principalflow-16");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "用户与密钥" }).ClickAsync();

        await page.GetByLabel("用户名（登录用）").FillAsync("new-worker");
        await page.GetByLabel("显示名称").FillAsync("新社区网格员");
        await page.GetByLabel("角色").SelectOptionAsync("community_worker");
        await page.GetByLabel("所属单位（区划代码）").FillAsync(Community);
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成初始密码" }).ClickAsync();

        var secret = page.Locator("#revealed-secret");
        await Assertions.Expect(secret).ToBeVisibleAsync();
        var password = (await secret.TextContentAsync())!.Trim();
        Assert.DoesNotContain(password, page.Url, StringComparison.Ordinal);
        await browser.ScreenshotAsync("steward-created-worker");

        // Not on the open list yet: the dataset does not exist for the new worker.
        var client = UiServer.Feed("new-worker", password);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetErrorAsync(server.PopulationFeed)).StatusCode);

        // The steward opens population to this one community, from the open-list page.
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "开放清单" }).ClickAsync();
        await page.GetByLabel("数据集").First.SelectOptionAsync("population");
        await page.GetByLabel("开放给（层级）").SelectOptionAsync("");
        await page.GetByLabel("指定单位（区划代码，逗号分隔）").FillAsync(Community);
        await page.GetByLabel("共享类型").SelectOptionAsync("有条件共享");
        await page.GetByLabel("共享条件（有条件共享必填）").FillAsync("仅用于本社区网格化服务管理");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加并立即生效" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("立即生效");
        await browser.ScreenshotAsync("steward-granted-dataset");

        var model = await client.GetMetadataAsync(server.ServiceRoot);
        var feed = await client.ReadFeedAsync(server.PopulationFeed, model);
        var expected = server.Manifest.AcceptedByCommunity.GetValueOrDefault(Community);
        Assert.True(expected > 0, "the demo export has rows in this community");
        Assert.Equal(expected, feed.Rows.Count);
        Assert.All(feed.Rows, r => Assert.Equal(Community, r["社区代码"]));

        // Revoked with a reason: the very next request is a 404.
        var row = page.Locator("tr", new() { HasText = Community }).Filter(new() { HasText = "生效" });
        await row.GetByLabel("撤销理由").FillAsync("人员调整，收回权限");
        await row.GetByRole(AriaRole.Button).Filter(new() { HasText = "撤销" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("立即停止");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetErrorAsync(server.PopulationFeed)).StatusCode);
        var revoked = page.Locator("tr", new() { HasText = Community }).Filter(new() { HasText = "已撤销" });
        await revoked.GetByText("历史").ClickAsync();
        await Assertions.Expect(revoked.Locator("li", new() { HasText = "撤销（人员调整，收回权限）" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("steward-revoked-grant");

        await page.GotoAsync("/principals");
        // Reloading the page does not show the secret again.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#revealed-secret")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CreatingAWorkerWithABadScope_ShowsAChineseErrorOnTheForm()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "principalflow-75");
        await page.GotoAsync("/principals");
        await page.GetByLabel("用户名（登录用）").FillAsync("bad-scope");
        await page.GetByLabel("显示名称").FillAsync("错误范围");
        await page.GetByLabel("角色").SelectOptionAsync("community_worker");
        await page.GetByLabel("所属单位（区划代码）").FillAsync("320113002");
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成初始密码" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("社区（12 位）");
        Assert.Null(await server.Engine.Catalog.Principals.FindByNameAsync("bad-scope", default));
    }
}
