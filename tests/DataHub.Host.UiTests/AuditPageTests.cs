using System.Text;
using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>
/// The audit as a steward uses it: filter by account, dataset, status and date (filters travel in
/// POST bodies, never in URLs), a clear zh-CN error for a bad filter, and the CSV export (downloaded
/// by the browser) holding exactly the matching rows and no secret or personal value.
/// </summary>
[Collection(UiServerCollection.Name)]
public sealed class AuditPageTests(UiServer server)
{
    private const string Worker = "maqun-community";
    private const string NameLiteral = "王测试甲";

    [Fact]
    public async Task Steward_FiltersTheAudit_GetsChineseErrors_AndExportsOnlyMatchingRowsWithoutPersonalValues()
    {
        var worker = server.Credential(Worker);
        var steward = server.Credential("steward");
        // Requests to find: the worker's filter on a name (a personal literal), the worker with its API key in
        // the query string, the worker asking for a set that does not exist, and the steward's own read.
        using (var http = new HttpClient())
        {
            using (await http.GetAsync(new Uri(server.ServiceRoot, $"Population?$filter=姓名 eq '{NameLiteral}'&$top=5&api_key={worker.ApiKey}"))) { }
            using (await http.GetAsync(new Uri(server.ServiceRoot, $"Population?$top=3&API_KEY={worker.ApiKey}"))) { }
            using (await http.GetAsync(new Uri(server.ServiceRoot, $"NoSuchSet?api_key={worker.ApiKey}"))) { }
        }
        Assert.Equal(System.Net.HttpStatusCode.OK, await server.FeedStatusAsync("steward", steward.Password));
        // Two failed logins of a user name nobody has: one line, counted, in the failed-login table.
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await server.FeedStatusAsync("nobody-probe", "guess-1"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await server.FeedStatusAsync("nobody-probe", "guess-2"));

        var urls = new List<string>();
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", steward.Password);
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "auditpage-38");
        page.Request += (_, r) => urls.Add(r.Url);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "审计日志" }).ClickAsync();
        var probe = page.Locator("#failed-logins tr", new() { HasText = "nobody-probe" });
        await Assertions.Expect(probe).ToHaveCountAsync(1);
        await Assertions.Expect(probe.Locator("td").Last).ToHaveTextAsync("2");

        // A status that is not a number, then a start after the end: each a zh-CN message saying how to fix it.
        await page.GetByLabel("状态码（如 200、404）").FillAsync("成功");
        await page.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("状态码应为 100 到 599 之间的数字");
        await Assertions.Expect(page.GetByLabel("状态码（如 200、404）")).ToHaveValueAsync("成功");
        await page.GetByLabel("状态码（如 200、404）").FillAsync("");
        await page.GetByLabel("开始日期").FillAsync(Day(1));
        await page.GetByLabel("结束日期").FillAsync(Day(0));
        await page.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("开始日期晚于结束日期");

        // From tomorrow: nothing yet.
        await page.GetByLabel("结束日期").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Assertions.Expect(page.GetByText("没有符合条件的记录")).ToBeVisibleAsync();

        // Today, the worker, population, 200.
        await page.GetByLabel("开始日期").FillAsync(Day(0));
        await page.GetByLabel("结束日期").FillAsync(Day(0));
        await page.GetByLabel("账号（用户名，精确匹配）").FillAsync(Worker);
        await page.GetByLabel("数据集（名称，如 population）").FillAsync("population");
        await page.GetByLabel("状态码（如 200、404）").FillAsync("200");
        await page.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        var rows = page.Locator("#access-records tbody tr[data-access]");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        var shown = await rows.CountAsync();
        for (var i = 0; i < shown; i++)
        {
            var cells = await rows.Nth(i).Locator("td").AllTextContentsAsync();
            Assert.Equal(Worker, cells[1]);
            Assert.Equal("population", cells[2]);
            Assert.Equal("200", cells[5]);
        }
        await browser.ScreenshotAsync("steward-audit-filtered");

        var csv = await ExportAsync(page);
        var lines = Csv.Parse(csv);
        Assert.Equal("时间", lines[0][0].TrimStart('\uFEFF'));
        var data = lines.Skip(1).ToList();
        Assert.Equal(shown, data.Count);
        Assert.All(data, r => Assert.Equal((Worker, "population", "200"), (r[1], r[2], r[6])));

        // Only the account filter: the failed and the refused requests are there, with the literal and the key removed.
        await page.GetByLabel("数据集（名称，如 population）").FillAsync("");
        await page.GetByLabel("状态码（如 200、404）").FillAsync("");
        var all = await ExportAsync(page);
        var allRows = Csv.Parse(all).Skip(1).ToList();
        Assert.True(allRows.Count > data.Count, "the broader filter finds the 404 as well");
        Assert.All(allRows, r => Assert.Equal(Worker, r[1]));
        Assert.Contains(allRows, r => r[6] == "404");
        Assert.Contains(allRows, r => r[5].Contains("姓名 eq '***'", StringComparison.Ordinal));
        Assert.DoesNotContain(NameLiteral, all, StringComparison.Ordinal);
        Assert.DoesNotContain(worker.ApiKey, all, StringComparison.Ordinal);
        Assert.DoesNotContain(worker.Password, all, StringComparison.Ordinal);

        // The filters (an account name) never reached a URL: the form posts.
        Assert.NotEmpty(urls);
        Assert.All(urls, u => Assert.DoesNotContain(Worker, Uri.UnescapeDataString(u), StringComparison.Ordinal));
    }

    private string Day(int offset) =>
        DateOnly.ParseExact(server.TodayInBeijing, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).AddDays(offset)
            .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> ExportAsync(IPage page)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "导出 CSV" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        return await File.ReadAllTextAsync(path, Encoding.UTF8);
    }
}

/// <summary>An RFC 4180 reader for the audit export (quoted cells may hold commas, quotes and line breaks).</summary>
internal static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n')
            {
                row.Add(cell.ToString().TrimEnd('\r'));
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row); }
        return rows;
    }
}
