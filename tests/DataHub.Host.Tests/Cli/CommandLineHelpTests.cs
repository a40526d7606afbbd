using DataHub.Host.Cli;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary>The command line parsed by System.CommandLine: zh-CN help for the whole tool and for each verb, usage errors with exit code 2.</summary>
public sealed class CommandLineHelpTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr, default);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Overview_ListsEveryVerb(params string[] args)
    {
        var (code, stdout, _) = await Run(args);
        Assert.Equal(CommandLine.Ok, code);
        foreach (var verb in new[] { "demo", "ingest", "serve", "users add", "keys issue", "grants add", "catalog export", "runs start", "versions", "rollback", "quarantine list", "config show", "backup", "restore", "lineage", "derive", "simulate" })
            Assert.Contains("datahub " + verb, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerbHelp_DescribesItsArgumentsAndOptionsInChinese()
    {
        var (code, stdout, _) = await Run("grants", "add", "--help");
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("说明:", stdout, StringComparison.Ordinal);
        Assert.Contains("datahub grants add <DATASET>", stdout, StringComparison.Ordinal);
        Assert.Contains("--share <TYPE>", stdout, StringComparison.Ordinal);
        Assert.Contains("共享类型：无条件共享、有条件共享、不予共享", stdout, StringComparison.Ordinal);
        Assert.Contains("--data <DIR>", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Description:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Show help", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupHelp_ListsSubVerbs()
    {
        var (code, stdout, _) = await Run("users", "--help");
        Assert.Equal(CommandLine.Ok, code);
        foreach (var sub in new[] { "add <NAME>", "list", "disable <NAME>", "enable <NAME>", "reset <NAME>" })
            Assert.Contains(sub, stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CLI_USAGE", "users")]
    [InlineData("ingest --help", "ingest", "a.yaml", "b.yaml")]
    [InlineData("rollback --help", "rollback", "population")]
    [InlineData("serve --help", "serve", "--urls")]
    [InlineData("keys list --help", "keys", "list", "--bogus")]
    public async Task UsageError_ExitsTwo_NamesTheVerbsHelp(string expected, params string[] args)
    {
        var (code, stdout, stderr) = await Run(args);
        Assert.Equal(CommandLine.UsageError, code);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("错误 [CLI_USAGE]", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptionWithEquals_IsAccepted()
    {
        using var dir = new DataHub.TestKit.TempDirectory("cli-eq");
        var (code, stdout, _) = await Run("config", "show", "--data=" + dir.Path);
        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains(dir.Path, stdout, StringComparison.Ordinal);
    }
}
