using DataHub.Host.Cli;
using DataHub.TestKit;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary>Configuration from appsettings.json and options: shown with secrets redacted, bad values refused in zh-CN with where and fix.</summary>
public sealed class ConfigCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr, default);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Show_MergesFileAndOptions_RedactsThePassword()
    {
        using var dir = new TempDirectory("config");
        await File.WriteAllTextAsync(dir.File("appsettings.json"), """{ "Serving": { "PageSize": 300 }, "Jobs": { "Schedules": { "gongan-population": "30 1 * * *" } } }""");

        var (code, stdout, _) = await Run("config", "show", "--data", dir.Path, "--catalog-postgres", "Host=db;Database=datahub;Username=dh;Password=s3cret-pw");

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("\"pageSize\": 300", stdout, StringComparison.Ordinal);
        Assert.Contains("30 1 * * *", stdout, StringComparison.Ordinal);
        Assert.Contains("Password=***", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreshnessWebhook_ShownWithoutItsToken_AndABadUrlIsRefused()
    {
        using var dir = new TempDirectory("config");
        await File.WriteAllTextAsync(dir.File("appsettings.json"), """{ "Freshness": { "WebhookUrl": "https://alerts.example.gov.cn/hook?token=t0p-secret", "CheckInterval": "00:01:00" } }""");
        var (code, stdout, _) = await Run("config", "show", "--data", dir.Path);
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("https://alerts.example.gov.cn:443/hook (***)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("t0p-secret", stdout, StringComparison.Ordinal);

        await File.WriteAllTextAsync(dir.File("appsettings.json"), """{ "Freshness": { "WebhookUrl": "alerts.example.gov.cn" } }""");
        var (bad, _, stderr) = await Run("config", "show", "--data", dir.Path);
        Assert.Equal(CommandLine.Failed, bad);
        Assert.Contains("Freshness:WebhookUrl", stderr, StringComparison.Ordinal);
        Assert.Contains("DATAHUB__Freshness__WebhookUrl", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadValue_ExitsOneNamingTheKeyTheFileAndTheFix()
    {
        using var dir = new TempDirectory("config");
        await File.WriteAllTextAsync(dir.File("appsettings.json"), """{ "Ingestion": { "KeepVersions": 1 } }""");

        var (code, _, stderr) = await Run("config", "show", "--data", dir.Path);

        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains("CONFIG_VALUE_INVALID", stderr, StringComparison.Ordinal);
        Assert.Contains("Ingestion:KeepVersions", stderr, StringComparison.Ordinal);
        Assert.Contains("DATAHUB__Ingestion__KeepVersions", stderr, StringComparison.Ordinal);
        Assert.Contains("处理办法", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongType_And_BrokenJson_AreConfigErrorsNotStackTraces()
    {
        using var dir = new TempDirectory("config");
        await File.WriteAllTextAsync(dir.File("appsettings.json"), """{ "Serving": { "PageSize": "many" } }""");
        var (code, _, stderr) = await Run("serve", "--data", dir.Path);
        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains("CONFIG_VALUE_INVALID", stderr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(dir.File("appsettings.json"), """{ "Serving": { "PageSize": 300, } ,,""");
        (code, _, stderr) = await Run("config", "show", "--data", dir.Path);
        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains("CONFIG_FILE_INVALID", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
