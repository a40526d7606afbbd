using System.Net;
using DataHub.Core.Access;
using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>Conditional sharing as a workflow, clicked through: request, approval, expiry by the clock; and disabling bites at once.</summary>
[Collection(UiServerCollection.Name)]
public sealed class OpenListFlowTests(UiServer server)
{
    private const string Qingma = "320113002002";

    [Fact]
    public async Task CommunityRequests_StewardApproves_FeedOpens_ThenTheGrantExpiresByTheClock()
    {
        var worker = server.Credential("qingma-community");
        var client = UiServer.Feed(worker.Name, worker.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetErrorAsync(server.PopulationFeed)).StatusCode);

        await using (var browser = await server.NewBrowserAsync())
        {
            var page = await browser.SignInAsync(worker.Name, worker.Password);
            await page.WaitForURLAsync("**/my");
            await Assertions.Expect(page.GetByText("目前还没有向您开放的数据集")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "开放清单" }).ClickAsync();
            await page.GetByLabel("数据集").SelectOptionAsync("population");
            await page.GetByLabel("用途（必填）").FillAsync("核对本社区独居老人名单");
            await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("等待区数据管理员审批");
            await Assertions.Expect(page.Locator("tr", new() { HasText = "qingma-community" }).GetByText("申请中")).ToBeVisibleAsync();
            await browser.ScreenshotAsync("community-requested");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetErrorAsync(server.PopulationFeed)).StatusCode);

        await using (var browser = await server.NewBrowserAsync())
        {
            var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
            await browser.ArriveAtAsync(server.BaseUri.ToString(), "openlistflow-38");
            await page.GotoAsync("/open-list");
            var row = page.Locator("tr", new() { HasText = "qingma-community" }).Filter(new() { HasText = "申请中" });
            await row.GetByRole(AriaRole.Button).Filter(new() { HasText = "批准" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("必须写明共享条件");
            row = page.Locator("tr", new() { HasText = "qingma-community" }).Filter(new() { HasText = "申请中" });
            await row.GetByLabel("批准条件").FillAsync("仅用于核对独居老人名单，不得转交第三方");
            await row.GetByLabel("有效期至").FillAsync(server.TodayInBeijing);
            await row.GetByRole(AriaRole.Button).Filter(new() { HasText = "批准" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已批准");
            await browser.ScreenshotAsync("steward-approved-request");
        }

        var model = await client.GetMetadataAsync(server.ServiceRoot);
        var feed = await client.ReadFeedAsync(server.PopulationFeed, model);
        Assert.Equal(server.Manifest.AcceptedByCommunity[Qingma], feed.Rows.Count);
        Assert.All(feed.Rows, r => Assert.Equal(Qingma, r["社区代码"]));

        // Valid through today (Beijing): two days later the entry has expired and the dataset is gone again.
        server.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetErrorAsync(server.PopulationFeed)).StatusCode);
        await using (var browser = await server.NewBrowserAsync())
        {
            var page = await browser.SignInAsync(worker.Name, worker.Password);
            await page.WaitForURLAsync("**/my");
            await Assertions.Expect(page.GetByText("目前还没有向您开放的数据集")).ToBeVisibleAsync();
            await page.GotoAsync("/open-list");
            await Assertions.Expect(page.Locator("tr", new() { HasText = "qingma-community" }).GetByText("已过期")).ToBeVisibleAsync();
            await browser.ScreenshotAsync("community-grant-expired");
        }
    }

    [Fact]
    public async Task StreetRequests_StewardRejectsWithAReason_TheStreetSeesIt_AndTheDatasetStaysClosed()
    {
        var street = server.Credential("maqun-street");
        await using (var browser = await server.NewBrowserAsync())
        {
            var page = await browser.SignInAsync(street.Name, street.Password);
            await page.WaitForURLAsync("**/my");
            await page.GotoAsync("/open-list");
            await page.GetByLabel("数据集").SelectOptionAsync("population");
            await page.GetByLabel("用途（必填）").FillAsync("街道人口统计核对");
            await page.GetByRole(AriaRole.Button, new() { Name = "提交申请" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("等待区数据管理员审批");
        }

        await using (var browser = await server.NewBrowserAsync())
        {
            var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
            await browser.ArriveAtAsync(server.BaseUri.ToString(), "openlistflow-88");
            await page.GotoAsync("/open-list");
            var row = page.Locator("tr", new() { HasText = street.Name }).Filter(new() { HasText = "申请中" });
            await row.GetByRole(AriaRole.Button).Filter(new() { HasText = "驳回" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("驳回必须说明理由");
            row = page.Locator("tr", new() { HasText = street.Name }).Filter(new() { HasText = "申请中" });
            await row.GetByLabel("驳回理由").FillAsync("街道统计请使用汇总数据集");
            await row.GetByRole(AriaRole.Button).Filter(new() { HasText = "驳回" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已驳回");
            await browser.ScreenshotAsync("steward-rejected-request");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await UiServer.Feed(street.Name, street.Password).GetErrorAsync(server.PopulationFeed)).StatusCode);
        await using (var browser = await server.NewBrowserAsync())
        {
            var page = await browser.SignInAsync(street.Name, street.Password);
            await page.WaitForURLAsync("**/my");
            await page.GotoAsync("/open-list");
            var mine = page.Locator("tr", new() { HasText = street.Name }).Filter(new() { HasText = "已驳回" });
            await Assertions.Expect(mine).ToContainTextAsync("街道统计请使用汇总数据集");
            await mine.GetByText("历史").ClickAsync();
            await Assertions.Expect(mine.Locator("li", new() { HasText = "申请" }).First).ToBeVisibleAsync();
            await Assertions.Expect(mine.Locator("li", new() { HasText = "steward：驳回（街道统计请使用汇总数据集）" })).ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task DisabledUser_IsRefusedAtOnce_InTheBrowserAndOnTheFeed()
    {
        await server.Engine.Catalog.Principals.AddAsync(new Principal("to-disable", "待停用网格员", Role.CommunityWorker, UiServer.MaqunCommunity),
            "Pw-to-disable-1", "steward", default);
        var client = UiServer.Feed("to-disable", "Pw-to-disable-1");
        var model = await client.GetMetadataAsync(server.ServiceRoot);
        Assert.NotEmpty((await client.ReadFeedAsync(server.PopulationFeed, model)).Rows);

        await using var workerBrowser = await server.NewBrowserAsync();
        var workerPage = await workerBrowser.SignInAsync("to-disable", "Pw-to-disable-1");
        await workerPage.WaitForURLAsync("**/my");

        await using (var stewardBrowser = await server.NewBrowserAsync())
        {
            var page = await stewardBrowser.SignInAsync("steward", server.Credential("steward").Password);
            await stewardBrowser.ArriveAtAsync(server.BaseUri.ToString(), "openlistflow-130");
            await page.GotoAsync("/principals");
            await page.GetByRole(AriaRole.Button, new() { Name = "停用 to-disable" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("立即失效");
            await stewardBrowser.ScreenshotAsync("steward-disabled-user");
        }

        // The signed-in browser is sent to sign-in on its next page; the feed refuses the same password.
        await workerPage.ReloadAsync();
        Assert.Equal("/signin", new Uri(workerPage.Url).AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetErrorAsync(server.PopulationFeed)).StatusCode);
        var again = await workerBrowser.SignInAsync("to-disable", "Pw-to-disable-1");
        await Assertions.Expect(again.GetByRole(AriaRole.Alert)).ToContainTextAsync("用户名或密码不正确，或账号已停用");
    }
}
