using System.Text.Json;
using DataHub.Host.Cli;
using DataHub.Host.Demo;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary><c>datahub ingest</c> as a script or a person runs it: report, exit code, messages.</summary>
public sealed class IngestCommandTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();
    private string _source = "";

    public async Task InitializeAsync()
    {
        var engine = await _fx.OpenEngineAsync();
        (_source, _) = await DemoSetup.PrepareAsync(engine, rows: 800, seed: 3, default);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr, default);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Ingest_Json_PrintsReportThatAccountsForEveryRow()
    {
        var (code, stdout, _) = await Run("ingest", _source, "--data", _fx.Data.Root, "--json");

        Assert.Equal(CommandLine.Ok, code);
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        Assert.Equal("succeeded", r.GetProperty("status").GetString());
        Assert.Equal(800, r.GetProperty("rowsRead").GetInt64());
        Assert.Equal(800, r.GetProperty("accepted").GetInt64() + r.GetProperty("quarantined").GetInt64() + r.GetProperty("duplicates").GetInt64());
        Assert.Equal(1, r.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Ingest_Text_PrintsChineseReport()
    {
        var (code, stdout, _) = await Run("ingest", _source, "--data", _fx.Data.Root);
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("读取 800 行", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_RaggedExport_ExitsOneNamesTheLineAndKeepsPreviousVersion()
    {
        Assert.Equal(CommandLine.Ok, (await Run("ingest", _source, "--data", _fx.Data.Root)).Code);
        var export = Path.Combine(_fx.Data.SourcesDirectory, DemoSetup.ExportFileName);
        await File.AppendAllTextAsync(export, "1,2,3\r\n");

        var (code, stdout, _) = await Run("ingest", _source, "--data", _fx.Data.Root);

        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains("CSV_RAGGED_ROW", stdout, StringComparison.Ordinal);
        Assert.Contains("处理办法", stdout, StringComparison.Ordinal);
        Assert.Contains("未发布新版本", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
        var engine = await _fx.OpenEngineAsync();
        Assert.Equal(1, Assert.Single(await engine.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
    }

    [Fact]
    public async Task Ingest_MissingSourceFile_ExitsOneWithWhereAndFix()
    {
        var (code, _, stderr) = await Run("ingest", Path.Combine(_fx.Data.Root, "nope.yaml"), "--data", _fx.Data.Root);
        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains("SOURCE_FILE_NOT_FOUND", stderr, StringComparison.Ordinal);
        Assert.Contains("处理办法", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_JsonAndBadDefinition_PrintsFailureAsJson()
    {
        var (code, stdout, _) = await Run("ingest", Path.Combine(_fx.Data.Root, "nope.yaml"), "--data", _fx.Data.Root, "--json");

        Assert.Equal(CommandLine.Failed, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("SOURCE_FILE_NOT_FOUND", doc.RootElement.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("errorFix").GetString()));
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("ingest", "a.yaml", "--bogus", "1")]
    [InlineData("frobnicate")]
    public async Task BadCommandLine_ExitsTwoWithUsageHint(params string[] args)
    {
        var (code, _, stderr) = await Run(args);
        Assert.Equal(CommandLine.UsageError, code);
        Assert.Contains("datahub help", stderr, StringComparison.Ordinal);
    }
}
