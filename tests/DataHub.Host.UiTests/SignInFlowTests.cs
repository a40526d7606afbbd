using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>Signing in and out in a real browser, and what each role may open.</summary>
[Collection(UiServerCollection.Name)]
public sealed partial class SignInFlowTests(UiServer server)
{
    [Fact]
    public async Task WrongPassword_ShowsTheChineseError_AndStaysSignedOut()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", "not-the-password");

        var error = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(error).ToContainTextAsync("用户名或密码不正确");
        Assert.EndsWith("/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await browser.ScreenshotAsync("signin-wrong-password");

        await page.GotoAsync("/principals");
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task Steward_SignsIn_SeesTheCatalog_FindsTheDatasetByChineseText_AndOpensIt()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "signinflow-30");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "数据目录" })).ToBeVisibleAsync();

        await page.GetByLabel("搜索").FillAsync("户籍地址"); // a field only the population dataset has
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Assertions.Expect(page.GetByText("符合条件 1 个")).ToBeVisibleAsync();
        await page.GetByLabel("搜索").FillAsync("不存在的主题词");
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Assertions.Expect(page.GetByText("没有符合条件的数据集")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "清除" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "实有人口" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#feed-url")).ToHaveTextAsync(new Uri(server.ServiceRoot, "Population").ToString());
        await Assertions.Expect(page.Locator("svg.chart rect.bar").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("读取", new() { Exact = false }).First).ToBeAttachedAsync();
        await browser.ScreenshotAsync("steward-dataset-page");

        await browser.SignOutAsync();
        await page.GotoAsync("/");
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
    }

    [Fact]
    public async Task CommunityWorker_SeesMyDataWithMasks_AndIsDeniedTheStewardPages()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("maqun-community", server.Credential("maqun-community").Password);
        await page.WaitForURLAsync(MyPage());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "我的数据" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("公民身份号码").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("保留前6位和后4位").First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("community-my-data");

        await page.GotoAsync("/principals");
        Assert.Equal("/denied", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("无权");
        await page.GotoAsync("/audit");
        Assert.Equal("/denied", new Uri(page.Url).AbsolutePath);
    }

    [GeneratedRegex("/my$")]
    private static partial Regex MyPage();
}
