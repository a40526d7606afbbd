using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>
/// The job dashboard is one click from the UI for stewards and operators, signed in by the same
/// cookie (one authentication scheme); everyone else has no link and is refused.
/// </summary>
[Collection(UiServerCollection.Name)]
public sealed class JobDashboardLinkTests(UiServer server)
{
    [Theory]
    [InlineData("steward")]
    [InlineData("operator")]
    public async Task StewardAndOperator_FollowTheLink_IntoTheDashboard(string user)
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync(user, server.Credential(user).Password);
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "jobdashboardlink-19");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "任务面板" }).ClickAsync();
        await page.WaitForURLAsync("**/hangfire**");
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("DataHub 作业"));
        // The demo source's recurring job is listed: the dashboard is the live one, not a placeholder.
        await page.GotoAsync("/hangfire/recurring");
        await Assertions.Expect(page.GetByText(UiServer.DemoSourceId).First).ToBeVisibleAsync();
        await browser.ScreenshotAsync($"{user}-job-dashboard");
    }

    [Fact]
    public async Task CommunityWorker_HasNoLink_AndIsRefused()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("maqun-community", server.Credential("maqun-community").Password);
        await page.WaitForURLAsync("**/my");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "任务面板" })).ToHaveCountAsync(0);
        // With the worker's sign-in cookie: known, but not allowed (403, not the 401 of an anonymous caller).
        var response = await browser.Context.APIRequest.GetAsync("/hangfire", new() { MaxRedirects = 0 });
        Assert.Equal(403, response.Status);
        Assert.DoesNotContain("DataHub 作业", await response.TextAsync(), StringComparison.Ordinal);
    }
}
