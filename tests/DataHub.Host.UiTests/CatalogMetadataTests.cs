using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>
/// A steward edits a dataset's catalog metadata in the browser (each save a new version, refused
/// edits explained in zh-CN) and downloads the exports, which carry the edit.
/// </summary>
[Collection(UiServerCollection.Name)]
public sealed class CatalogMetadataTests(UiServer server)
{
    private const string Theme = "人口与家庭";

    [Fact]
    public async Task Steward_EditsMetadata_EachSaveIsANewVersion_AndTheExportsCarryIt()
    {
        var before = (await server.Engine.Catalog.Metadata.GetAsync("population", default))!.Version;
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("steward", server.Credential("steward").Password);
        await browser.ArriveAtAsync(server.BaseUri.ToString(), "catalogmetadata-23");
        // The theme is not in the catalog yet: the search finds nothing.
        await page.GetByLabel("搜索").FillAsync(Theme);
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Assertions.Expect(page.GetByText("没有符合条件的数据集")).ToBeVisibleAsync();
        await page.GotoAsync("/datasets/population");

        // Nothing changed: refused, no version.
        await page.GetByText("编辑目录信息（保存后生成新版本）").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "保存为新版本" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("没有修改任何目录项");

        // 不予共享 without a legal basis: refused with the rule, and the form keeps what was typed.
        await page.GetByLabel("共享类型", new() { Exact = true }).SelectOptionAsync("不予共享");
        await page.GetByLabel("共享条件", new() { Exact = true }).FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存为新版本" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("“不予共享”必须在共享条件中写明法律、行政法规或政策依据");
        await Assertions.Expect(page.GetByLabel("共享类型", new() { Exact = true })).ToHaveValueAsync("不予共享");
        Assert.Equal(before, (await server.Engine.Catalog.Metadata.GetAsync("population", default))!.Version);

        // A real edit: a new version with who, shown on the page and in the history.
        await page.GetByLabel("共享类型", new() { Exact = true }).SelectOptionAsync("有条件共享");
        await page.GetByLabel("共享条件", new() { Exact = true }).FillAsync("仅用于社区网格化服务管理");
        await page.GetByLabel("主题", new() { Exact = true }).FillAsync(Theme);
        await page.GetByLabel("信息资源分类", new() { Exact = true }).FillAsync("基础信息资源");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存为新版本" }).ClickAsync();
        var after = before + 1;
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"已保存目录信息第 {after} 版");
        await Assertions.Expect(page.Locator("#metadata-version")).ToContainTextAsync($"第 {after} 版，steward 编辑");
        await Assertions.Expect(page.Locator("dl.meta")).ToContainTextAsync(Theme);
        var saved = (await server.Engine.Catalog.Metadata.GetAsync("population", default))!;
        Assert.Equal((after, Theme, "基础信息资源", "steward"), (saved.Version, saved.Metadata.Theme, saved.Metadata.Classification, saved.EditedBy));
        await page.GetByText("编辑目录信息（保存后生成新版本）").ClickAsync();
        await Assertions.Expect(page.Locator("#metadata-history tbody tr")).ToHaveCountAsync(after);
        await browser.ScreenshotAsync("steward-edited-metadata");

        // The catalog home searches the edited metadata: the new theme finds the dataset, and its card shows it.
        await page.GotoAsync("/");
        await page.GetByLabel("搜索").FillAsync(Theme);
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索" }).ClickAsync();
        await Assertions.Expect(page.GetByText("符合条件 1 个")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText($"主题：{Theme}")).ToBeVisibleAsync();

        // The exports, from the catalog home, as downloads.
        var dcat = JsonDocument.Parse(await DownloadAsync(page, "DCAT-AP（JSON-LD）", ".jsonld")).RootElement;
        var population = dcat.GetProperty("dcat:dataset").EnumerateArray().Single(d => d.GetProperty("@id").GetString() == "urn:datahub:dataset:population");
        Assert.Equal(Theme, population.GetProperty("dcat:theme").GetString());
        Assert.Equal(new Uri(server.ServiceRoot, "Population").AbsoluteUri,
            population.GetProperty("dcat:distribution")[0].GetProperty("dcat:accessURL").GetString());

        var xlsx = await DownloadBytesAsync(page, "目录表（.xlsx）", ".xlsx");
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        var text = new StringBuilder();
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            text.Append(await reader.ReadToEndAsync());
        }
        Assert.Contains("信息资源", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("信息项", text.ToString(), StringComparison.Ordinal);
        Assert.Contains(Theme, text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommunityWorker_CannotEditOrExport()
    {
        await using var browser = await server.NewBrowserAsync();
        var page = await browser.SignInAsync("maqun-community", server.Credential("maqun-community").Password);
        await page.WaitForURLAsync("**/my");
        await page.GotoAsync("/catalog-export?handler=Dcat");
        Assert.Equal("/denied", new Uri(page.Url).AbsolutePath);

        // A forged post of the edit form (with a valid token from the worker's own page) changes nothing.
        var before = (await server.Engine.Catalog.Metadata.GetAsync("population", default))!.Version;
        await page.GotoAsync("/datasets/population");
        var token = await page.Locator("input[name=__csrf]").First.GetAttributeAsync("value");
        var form = browser.Context.APIRequest.CreateFormData();
        form.Set("__csrf", token!);
        form.Set("meta-theme", "伪造主题");
        var response = await browser.Context.APIRequest.PostAsync("/datasets/population?handler=Metadata",
            new APIRequestContextOptions { Form = form, MaxRedirects = 0 });
        Assert.True(response.Status is 302 or 403, $"refused, got {response.Status}");
        Assert.Equal(before, (await server.Engine.Catalog.Metadata.GetAsync("population", default))!.Version);
    }

    private static async Task<string> DownloadAsync(IPage page, string link, string extension) =>
        Encoding.UTF8.GetString(await DownloadBytesAsync(page, link, extension));

    private static async Task<byte[]> DownloadBytesAsync(IPage page, string link, string extension)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = link }).ClickAsync());
        Assert.EndsWith(extension, download.SuggestedFilename, StringComparison.Ordinal);
        return await File.ReadAllBytesAsync((await download.PathAsync())!);
    }
}
