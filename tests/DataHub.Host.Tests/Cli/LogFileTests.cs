using System.Text.Json;
using System.Text.RegularExpressions;
using DataHub.Host.Cli;
using DataHub.Host.Demo;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary>
/// The runner's events reach the log the user is pointed to (<c>DIR/logs/datahub.log</c>): one JSON
/// object per line with the event id, for a published run and a failed one; no ID number in it.
/// </summary>
public sealed class LogFileTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();
    private string _source = "";

    public async Task InitializeAsync()
    {
        var engine = await _fx.OpenEngineAsync();
        (_source, _) = await DemoSetup.PrepareAsync(engine, rows: 300, seed: 9, default);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Ingest_SucceededAndFailedRuns_AreLoggedWithEventIds_InTheDataFolderLog()
    {
        Assert.Equal(CommandLine.Ok, await CommandLine.RunAsync(["ingest", _source, "--data", _fx.Data.Root], TextWriter.Null, TextWriter.Null, default));
        var export = Path.Combine(_fx.Data.SourcesDirectory, DemoSetup.ExportFileName);
        await File.AppendAllTextAsync(export, "1,2,3\r\n");
        var stdout = new StringWriter();
        Assert.Equal(CommandLine.Failed, await CommandLine.RunAsync(["ingest", _source, "--data", _fx.Data.Root], stdout, TextWriter.Null, default));

        var path = Path.Combine(_fx.Data.Root, "logs", "datahub.log");
        var text = await File.ReadAllTextAsync(path);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        int[] ids = [.. lines.Select(l => l.GetProperty("eventId").GetInt32())];
        Assert.Contains(1000, ids); // started
        Assert.Contains(1001, ids); // published
        var failed = Assert.Single(lines, l => l.GetProperty("eventId").GetInt32() == 1002);
        Assert.Equal("Warning", failed.GetProperty("level").GetString());
        Assert.Equal("RunFailed", failed.GetProperty("event").GetString());
        Assert.Contains("gongan-population", failed.GetProperty("message").GetString());
        // No personal values: nothing shaped like an ID number (18 characters, 17 digits first).
        Assert.DoesNotMatch(new Regex(@"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])"), text);
    }
}
