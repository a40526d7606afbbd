using DataHub.Catalog.Runs;
using DataHub.Host.Cli;
using DataHub.Host.Demo;
using DuckDB.NET.Data;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary>
/// A real <c>datahub ingest</c> process killed with SIGKILL at named points of a run (the
/// <c>DATAHUB_TEST_PAUSE_AT</c> hook makes the point deterministic): the previous version stays
/// current and intact, the killed run and its files are left, and the next start-up (ingest or
/// serve) marks the run interrupted and removes staging, scratch and the uncommitted version folder.
/// </summary>
public sealed class CrashRecoveryProcessTests
{
    private const int Rows = 30_000;

    public static TheoryData<string> KillPoints => new() { "reading", "staging", "parquet", "publish" };

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task Sigkill_KeepsPreviousVersion_NextIngestCleansUpAndPublishes(string point)
    {
        await using var fx = new HostFixture();
        var (engine, source) = await PublishFirstVersionAsync(fx);

        var killed = await KillIngestAtAsync(fx, source, point);

        // The killed process published nothing: version 1 is current, complete and readable.
        var current = Assert.Single(await engine.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population");
        Assert.Equal(1, current.Version);
        Assert.Equal(current.RowCount, CountParquet(current.Directory));
        Assert.Equal(RunStatus.Running, (await engine.Catalog.Runs.GetAsync(killed, default))!.Status);
        Assert.NotEmpty(Leftovers(fx, engine.Runner.Lake.Root));

        // The next run starts by cleaning what the dead one left, then publishes version 2.
        var stdout = new StringWriter();
        var code = await CommandLine.RunAsync(["ingest", source, "--data", fx.Data.Root], stdout, new StringWriter(), default);
        Assert.True(code == CommandLine.Ok, stdout.ToString());
        var run = (await engine.Catalog.Runs.GetAsync(killed, default))!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(RunFailureKinds.Interrupted, run.FailureKind);
        Assert.Equal("RUN_INTERRUPTED", run.ErrorCode);
        Assert.Empty(Leftovers(fx, engine.Runner.Lake.Root));
        Assert.Equal([1L, 2L], engine.Runner.Lake.VersionsOnDisk("population").Order());
        Assert.Equal(2, Assert.Single(await engine.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
    }

    [Fact]
    public async Task Sigkill_InsidePublish_ServeStartUpRecoversAndServesThePreviousVersion()
    {
        await using var fx = new HostFixture();
        var (engine, source) = await PublishFirstVersionAsync(fx);
        var killed = await KillIngestAtAsync(fx, source, "publish");
        Assert.Contains(2L, engine.Runner.Lake.VersionsOnDisk("population")); // moved into place, never committed

        await using var serve = DatahubProcess.Start(null, "serve", "--data", fx.Data.Root, "--urls", "http://127.0.0.1:0");
        await serve.WaitForAsync("Ctrl+C", TimeSpan.FromMinutes(1));

        var run = (await engine.Catalog.Runs.GetAsync(killed, default))!;
        Assert.Equal(RunFailureKinds.Interrupted, run.FailureKind);
        Assert.Equal([1L], engine.Runner.Lake.VersionsOnDisk("population"));
        Assert.Empty(Leftovers(fx, engine.Runner.Lake.Root));
        var root = serve.Stdout.Split('\n').First(l => l.Contains("OData 服务根地址：", StringComparison.Ordinal)).Split('：')[1].Trim();
        using var http = new HttpClient();
        var ready = await http.GetStringAsync(new Uri(new Uri(root), "/health/ready"));
        Assert.Contains("\"status\":\"ready\"", ready, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(await engine.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
    }

    [Fact]
    public async Task CtrlC_WhileStaging_CancelsRecordsTheRunAndRemovesScratch()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT to a child process needs a shared console on Windows
        await using var fx = new HostFixture();
        var (engine, source) = await PublishFirstVersionAsync(fx);

        await using var p = DatahubProcess.Start(new Dictionary<string, string> { ["DATAHUB_TEST_PAUSE_AT"] = "staging" }, "ingest", source, "--data", fx.Data.Root);
        await p.WaitForAsync("[test] paused at staging", TimeSpan.FromMinutes(2));
        p.Interrupt();
        var code = await p.WaitForExitAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(CommandLine.Failed, code);
        var run = (await engine.Catalog.Runs.RecentAsync("population", 1, default)).Single();
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("RUN_CANCELLED", run.ErrorCode);
        Assert.Equal(RunFailureKinds.Transient, run.FailureKind);
        Assert.Empty(Leftovers(fx, engine.Runner.Lake.Root));
        Assert.Equal(1, Assert.Single(await engine.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
    }

    private static async Task<(DataHub.Host.Composition.DataHubEngine Engine, string Source)> PublishFirstVersionAsync(HostFixture fx)
    {
        var engine = await fx.OpenEngineAsync();
        var (source, _) = await DemoSetup.PrepareAsync(engine, Rows, seed: 11, default);
        Assert.True((await engine.Runner.RunAsync(source, default)).Succeeded);
        await DemoSetup.PrepareAsync(engine, Rows, seed: 12, default); // the next export
        return (engine, source);
    }

    /// <summary>Starts an ingest that pauses at <paramref name="point"/>, SIGKILLs it there and returns the killed run's id.</summary>
    private static async Task<string> KillIngestAtAsync(HostFixture fx, string source, string point)
    {
        await using (var p = DatahubProcess.Start(new Dictionary<string, string> { ["DATAHUB_TEST_PAUSE_AT"] = point }, "ingest", source, "--data", fx.Data.Root))
        {
            await p.WaitForAsync($"[test] paused at {point}", TimeSpan.FromMinutes(2));
            await p.KillAsync();
        }
        var engine = await fx.OpenEngineAsync();
        return Assert.Single(await engine.Catalog.Runs.RunningAsync(null, default)).Id;
    }

    /// <summary>What a run must not leave behind once it is over: staging folders and scratch files.</summary>
    private static List<string> Leftovers(HostFixture fx, string lakeRoot)
    {
        var staging = Directory.EnumerateDirectories(lakeRoot, ".staging-*", SearchOption.AllDirectories);
        var runs = Path.Combine(lakeRoot, "_runs");
        var scratch = Directory.Exists(runs)
            ? Directory.EnumerateFileSystemEntries(runs, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f) is "stage.duckdb" or "stage.duckdb.wal" or "accepted.csv" or "stage.duckdb.tmp")
            : [];
        var catalogVersions = fx.OpenEngineAsync().GetAwaiter().GetResult().Catalog.Datasets.VersionsAsync("population", default).GetAwaiter().GetResult()
            .Where(v => v.RetiredAt is null).Select(v => v.Version).ToHashSet();
        var lake = new DataHub.Pipelines.Lake.LakeLayout(lakeRoot);
        var uncommitted = lake.VersionsOnDisk("population").Where(v => !catalogVersions.Contains(v)).Select(v => lake.VersionDirectory("population", v));
        return [.. staging, .. scratch, .. uncommitted];
    }

    private static long CountParquet(string directory)
    {
        using var c = new DuckDBConnection("DataSource=:memory:");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM read_parquet('{Path.Combine(directory, "*.parquet").Replace("'", "''", StringComparison.Ordinal)}')";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
