using DataHub.Core.Access;
using DataHub.Host.Cli;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary>What <c>serve</c> says before anyone connects: the first steward, plain HTTP off loopback.</summary>
public sealed class ServeNoticesTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task FolderWithoutSteward_TellsHowToCreateTheFirstOne_AndStopsSayingSoOnceThereIsOne()
    {
        var engine = await _fx.OpenEngineAsync();
        var notices = await ServeNotices.ForAsync(engine, _fx.Data.Root, ["http://127.0.0.1:5080"], default);
        Assert.Contains(notices, n => n.Contains("datahub users add", StringComparison.Ordinal) && n.Contains("--role steward", StringComparison.Ordinal));

        await engine.Catalog.Principals.UpsertAsync(new Principal("chen", "陈", Role.Steward, "320113"), "pw-123456", null, default);
        Assert.Empty(await ServeNotices.ForAsync(engine, _fx.Data.Root, ["http://127.0.0.1:5080"], default));
    }

    [Fact]
    public async Task Serve_OnAFolderWithoutSteward_PrintsHowToCreateTheFirstOne_AndTheUiAddress()
    {
        using var dir = new DataHub.TestKit.TempDirectory("serve-empty");
        await using var serve = DatahubProcess.Start(null, "serve", "--data", dir.Path, "--urls", "http://127.0.0.1:0", "--no-jobs");
        await serve.WaitForAsync("Ctrl+C", TimeSpan.FromMinutes(1));
        var output = serve.Stdout;
        Assert.Contains("datahub users add", output, StringComparison.Ordinal);
        Assert.Contains("--role steward", output, StringComparison.Ordinal);
        Assert.Contains("目录界面（登录）：http://127.0.0.1:", output, StringComparison.Ordinal);
        // The first-steward notice comes before the banner, where a person starting the service reads first.
        Assert.True(output.IndexOf("datahub users add", StringComparison.Ordinal) < output.IndexOf("目录界面（登录）", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlainHttpOnANonLoopbackAddress_IsWarned()
    {
        var engine = await _fx.OpenEngineAsync();
        await engine.Catalog.Principals.UpsertAsync(new Principal("chen", "陈", Role.Steward, "320113"), "pw-123456", null, default);
        var notices = await ServeNotices.ForAsync(engine, _fx.Data.Root, ["http://0.0.0.0:5080"], default);
        Assert.Contains(notices, n => n.Contains("明文 HTTP", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", false)]
    [InlineData("http://localhost:5080", false)]
    [InlineData("http://[::1]:5080", false)]
    [InlineData("https://0.0.0.0:5443", false)]
    [InlineData("http://0.0.0.0:5080", true)]
    [InlineData("http://*:5080", true)]
    [InlineData("http://+:5080", true)]
    [InlineData("http://192.168.1.20:5080", true)]
    [InlineData("http://[::]:5080", true)]
    [InlineData("http://datahub.example.gov.cn", true)]
    public void IsPlainHttpOffLoopback(string url, bool expected) => Assert.Equal(expected, ServeNotices.IsPlainHttpOffLoopback(url));
}
