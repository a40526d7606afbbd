using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>
/// The dataset page holds what the issue asks for (metadata, freshness, feed URL with Excel steps,
/// versions, run history with the run report and quarantine counts by reason, the rows-per-community
/// chart), and the chart counts only the viewer's scope.
/// </summary>
[Collection(UiServerCollection.Name)]
public sealed partial class DatasetPageTests(UiServer server)
{
    [Fact]
    public async Task Steward_SeesEverySection_RunReportWithQuarantineByReason_AndAChartOfTheWholeDistrict()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "datasetpage-19");
        await page.GotoAsync("/datasets/population");

        foreach (var heading in new[] { "目录信息", "在 Excel 中打开", "各社区记录数（当前版本，您的范围内）", "版本", "运行记录（最近 20 次）" })
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "字段（共" })).ToBeVisibleAsync();

        // Freshness against the update cycle; the feed URL with the five Excel steps naming this dataset and this user.
        await Assertions.Expect(page.Locator("dl.meta")).ToContainTextAsync("更新周期为");
        await Assertions.Expect(page.Locator("#feed-url")).ToHaveTextAsync(new Uri(server.ServiceRoot, "Population").ToString());
        var steps = page.Locator("ol.steps li");
        await Assertions.Expect(steps).ToHaveCountAsync(5);
        await Assertions.Expect(steps.Nth(2)).ToContainTextAsync("steward");
        await Assertions.Expect(steps.Nth(3)).ToContainTextAsync("实有人口");

        // Versions: the one published version is current.
        var version = page.Locator("table", new() { Has = page.GetByRole(AriaRole.Columnheader, new() { Name = "结构版本" }) }).Locator("tbody tr");
        await Assertions.Expect(version).ToHaveCountAsync(1);
        await Assertions.Expect(version.First).ToContainTextAsync("当前");

        // The run and its report: nothing lost, quarantine by reason exactly as planted in the export.
        var m = server.Manifest;
        var run = page.Locator("tr", new() { Has = page.GetByText("查看", new() { Exact = true }) }).First;
        await run.GetByText("查看", new() { Exact = true }).ClickAsync();
        await Assertions.Expect(run).ToContainTextAsync($"接收 {m.ExpectedAccepted} + 隔离 {m.ExpectedQuarantined} + 重复 {m.ExpectedDuplicates}");
        var reasons = run.Locator("table", new() { Has = page.GetByText("隔离原因") });
        foreach (var (code, count) in m.ReasonCounts.Where(kv => kv.Value > 0))
        {
            var cells = await reasons.Locator("tr", new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = code, Exact = true }) }).Locator("td").AllTextContentsAsync();
            Assert.Equal([code, count.ToString(System.Globalization.CultureInfo.InvariantCulture)], cells);
        }
        await browser.ScreenshotAsync("steward-dataset-sections");

        // The chart: one bar per community (the 40 largest), each the published count of that community.
        var bars = await Bars(page);
        var expected = m.AcceptedByCommunity.Where(kv => kv.Value > 0).ToDictionary();
        Assert.Equal(Math.Min(40, expected.Count), bars.Count);
        Assert.All(bars, b => Assert.Equal(expected[b.Code], b.Rows));
        if (expected.Count <= 40) Assert.Equal(m.ExpectedAccepted, bars.Sum(b => b.Rows));
    }

    [Fact]
    public async Task CommunityWorker_ChartCountsOnlyItsCommunity_AndSeesNoOperationsOrEditing()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("maqun-community", server.Credential("maqun-community").Password);
        await page.WaitForURLAsync("**/my");
        await page.GotoAsync("/datasets/population");

        var bars = await Bars(page);
        Assert.Equal([(UiServer.MaqunCommunity, server.Manifest.AcceptedByCommunity[UiServer.MaqunCommunity])], bars);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "运行记录（最近 20 次）" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#edit-metadata")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("ol.steps li").Nth(2)).ToContainTextAsync("maqun-community");
        await browser.ScreenshotAsync("community-dataset-page");

        // The street above it has no entry on the open list: for its worker the dataset does not exist, chart or not.
        await using var street = await server.NewBrowserAsync();
        var streetPage = await street.SignInAsync("maqun-street", server.Credential("maqun-street").Password);
        await streetPage.WaitForURLAsync("**/my");
        var response = await streetPage.GotoAsync("/datasets/population");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(streetPage.GetByRole(AriaRole.Alert)).ToContainTextAsync("没有名为“population”的数据集，或它没有向您开放");
        await Assertions.Expect(streetPage.Locator("svg.chart")).ToHaveCountAsync(0);
        // Exactly what a dataset that does not exist at all answers: nothing to tell the two apart.
        var missing = await streetPage.GotoAsync("/datasets/no-such-dataset");
        Assert.Equal(404, missing!.Status);
        await Assertions.Expect(streetPage.GetByRole(AriaRole.Alert)).ToContainTextAsync("没有名为“no-such-dataset”的数据集，或它没有向您开放");
    }

    private static async Task<List<(string Code, int Rows)>> Bars(IPage page)
    {
        var titles = await page.Locator("svg.chart rect.bar title").AllTextContentsAsync();
        return titles.Select(t => BarTitle().Match(t)).Select(x =>
        {
            Assert.True(x.Success, "bar title names the community code and its rows");
            return (x.Groups[1].Value, int.Parse(x.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        }).ToList();
    }

    [GeneratedRegex(@"（(\d{12})）：(\d+) 行")]
    private static partial Regex BarTitle();
}
