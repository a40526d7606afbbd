using System.Text.RegularExpressions;
using DataHub.Catalog.OpenList;
using DataHub.Host.Cli;
using DataHub.Host.Demo;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary>
/// <c>datahub users|keys|grants</c> on a fresh data folder: a district brought into service without
/// the demo, with zh-CN output and errors and the exit codes scripts rely on.
/// </summary>
public sealed partial class AdminCommandTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync([.. args, "--data", _fx.Data.Root], stdout, stderr, default);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Users_AddListDisableReset_OnAFreshFolder()
    {
        var (code, output, _) = await Run("users", "add", "qx-steward", "--role", "steward", "--unit", "320113", "--display", "栖霞区数据管理员");
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("已创建账号 qx-steward", output, StringComparison.Ordinal);
        var password = PrintedSecret().Match(output).Groups[1].Value;
        Assert.Equal(16, password.Length);

        var engine = await _fx.OpenEngineAsync();
        var stored = (await engine.Catalog.Principals.FindByNameAsync("qx-steward", default))!;
        Assert.True(DataHub.Catalog.Principals.SecretHasher.VerifyPassword(password, stored.PasswordHash!));
        Assert.Contains("cli:", (await engine.Catalog.Changes.SearchAsync("principal", "qx-steward", null, null, 5, default))[0].Actor, StringComparison.Ordinal);

        (code, output, _) = await Run("users", "list");
        Assert.Contains("qx-steward", output, StringComparison.Ordinal);
        Assert.Contains("栖霞区", output, StringComparison.Ordinal);

        Assert.Equal(CommandLine.Ok, (await Run("users", "disable", "qx-steward")).Code);
        Assert.True((await engine.Catalog.Principals.FindByNameAsync("qx-steward", default))!.Disabled);
        Assert.Equal(CommandLine.Ok, (await Run("users", "enable", "qx-steward")).Code);
        (code, output, _) = await Run("users", "reset", "qx-steward", "--password", "a-new-password-1");
        Assert.Equal(CommandLine.Ok, code);
        Assert.DoesNotContain("a-new-password-1", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PRINCIPAL_UNIT_LEVEL", "users", "add", "w1", "--role", "community_worker", "--unit", "320113002")]
    [InlineData("PRINCIPAL_UNIT_UNKNOWN", "users", "add", "w1", "--role", "street_worker", "--unit", "320113999")]
    [InlineData("PRINCIPAL_NOT_FOUND", "users", "disable", "nobody")]
    [InlineData("API_KEY_NOT_FOUND", "keys", "revoke", "k000")]
    public async Task Errors_AreChineseWithAFix_AndExitOne(string errorCode, params string[] args)
    {
        var (code, _, err) = await Run(args);
        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains(errorCode, err, StringComparison.Ordinal);
        Assert.Contains("处理办法：", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("users", "add", "w1", "--role", "king", "--unit", "320113")]
    [InlineData("users", "add", "w1", "--unit", "320113")]
    [InlineData("users", "frobnicate")]
    [InlineData("grants", "add", "population", "--as", "x", "--share", "偶尔共享")]
    public async Task UsageErrors_ExitTwo(params string[] args) => Assert.Equal(CommandLine.UsageError, (await Run(args)).Code);

    [Fact]
    public async Task Keys_IssueListRotateRevoke_SecretPrintedOnce()
    {
        await Run("users", "add", "mq", "--role", "community_worker", "--unit", "320113002001");
        var (code, output, _) = await Run("keys", "issue", "mq", "--label", "社区电脑");
        Assert.Equal(CommandLine.Ok, code);
        var secret = Regex.Match(output, "(dh_[A-Za-z0-9_-]+)").Groups[1].Value;
        var engine = await _fx.OpenEngineAsync();
        Assert.Equal("mq", (await engine.Catalog.Principals.FindByApiKeyAsync(secret, default))!.Principal.Name);

        (_, output, _) = await Run("keys", "list", "mq");
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        var id = Regex.Match(output, @"^(k[0-9a-f]{10})", RegexOptions.Multiline).Groups[1].Value;
        (code, output, _) = await Run("keys", "rotate", id);
        Assert.Equal(CommandLine.Ok, code);
        var rotated = Regex.Match(output, "(dh_[A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.Null(await engine.Catalog.Principals.FindByApiKeyAsync(secret, default));
        Assert.NotNull(await engine.Catalog.Principals.FindByApiKeyAsync(rotated, default));
    }

    [Fact]
    public async Task Grants_AddRequestApproveRevoke_WithHistory()
    {
        var engine = await _fx.OpenEngineAsync();
        var (source, _) = await DemoSetup.PrepareAsync(engine, rows: 300, seed: 9, default);
        Assert.Equal(CommandLine.Ok, (await Run("ingest", source)).Code);
        await Run("users", "add", "boss", "--role", "steward", "--unit", "320113", "--password", "boss-password-1");
        await Run("users", "add", "mq", "--role", "community_worker", "--unit", "320113002001", "--password", "mq-password-12");

        var (code, output, err) = await Run("grants", "add", "population", "--as", "boss", "--level", "street", "--share", "有条件共享",
            "--conditions", "仅用于街道人口服务", "--fields", "姓名,性别", "--until", "2099-12-31");
        Assert.True(code == CommandLine.Ok, err);
        Assert.Contains("population → 320113 所有街道", output, StringComparison.Ordinal);
        Assert.Contains("字段：name、gender", output, StringComparison.Ordinal);

        Assert.Equal(CommandLine.Failed, (await Run("grants", "add", "population", "--as", "boss", "--level", "community", "--share", "不予共享")).Code);

        (code, output, _) = await Run("grants", "request", "population", "--as", "mq", "--purpose", "核对独居老人", "--aggregate-only");
        Assert.Equal(CommandLine.Ok, code);
        var id = Regex.Match(output, @"(g[0-9a-f]{10})").Groups[1].Value;
        Assert.Contains("[申请中]", output, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Failed, (await Run("grants", "approve", id, "--as", "mq", "--conditions", "x")).Code);
        (code, output, _) = await Run("grants", "approve", id, "--as", "boss", "--conditions", "仅限汇总");
        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal(GrantStatus.Active, (await engine.Catalog.OpenList.GetAsync(id, default))!.Status);

        (code, _, _) = await Run("grants", "revoke", id, "--as", "boss", "--reason", "用途已完成");
        Assert.Equal(CommandLine.Ok, code);
        (_, output, _) = await Run("grants", "history", id);
        Assert.Contains("申请", output, StringComparison.Ordinal);
        Assert.Contains("批准", output, StringComparison.Ordinal);
        Assert.Contains("撤销", output, StringComparison.Ordinal);
        (_, output, _) = await Run("grants", "list", "--status", "已撤销");
        Assert.Contains(id, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_SetShowExport_WritesDcatAndSpreadsheet()
    {
        var engine = await _fx.OpenEngineAsync();
        var (source, _) = await DemoSetup.PrepareAsync(engine, rows: 200, seed: 4, default);
        Assert.Equal(CommandLine.Ok, (await Run("ingest", source)).Code);
        await Run("users", "add", "boss", "--role", "steward", "--unit", "320113", "--password", "boss-password-1");

        var (code, output, err) = await Run("catalog", "set", "population", "--as", "boss", "--theme", "人口", "--open", "是");
        Assert.True(code == CommandLine.Ok, err);
        Assert.Contains("第 1 版", output, StringComparison.Ordinal);
        (_, output, _) = await Run("catalog", "show", "population");
        Assert.Contains("人口", output, StringComparison.Ordinal);
        Assert.Equal(CommandLine.Failed, (await Run("catalog", "set", "population", "--as", "boss", "--update-cycle", "偶尔")).Code);

        var dcat = Path.Combine(_fx.Data.Root, "open.jsonld");
        var xlsx = Path.Combine(_fx.Data.Root, "catalog.xlsx");
        (code, _, err) = await Run("catalog", "export", "--dcat", dcat, "--xlsx", xlsx, "--base-url", "https://data.example");
        Assert.True(code == CommandLine.Ok, err);
        Assert.Contains("https://data.example/odata/Population", await File.ReadAllTextAsync(dcat), StringComparison.Ordinal);
        var rows = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "信息资源").Cast<IDictionary<string, object>>().ToList();
        // Every catalog entry: population, the quality figures and the derived datasets computed from it.
        Assert.Equal((await engine.Catalog.Datasets.ListAsync(default)).Count, rows.Count);
        Assert.Single(rows, r => Equals(r["是否向社会开放"], "是"));
    }

    [GeneratedRegex("初始密码（只显示这一次，请妥善转交）：(\\S+)")]
    private static partial Regex PrintedSecret();
}
