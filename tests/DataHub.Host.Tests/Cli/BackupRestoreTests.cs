using DataHub.Host.Cli;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using DataHub.TestKit;
using DataHub.TestKit.OData;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary>
/// The documented embedded backup, end to end: <c>datahub backup</c> while the server runs (SQLite
/// online backup of the catalog, then the lake), a publish after the backup, <c>datahub restore</c>
/// into a new data folder, a server started on it: the feed answers the same rows (ids, values,
/// count) that were served at backup time, with the same credentials.
/// </summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();
    private readonly TempDirectory _backups = new("backup");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _fx.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _backups.Dispose();
    }

    [Fact]
    public async Task BackupWhileServing_RestoreIntoNewFolder_ServesTheSameRows()
    {
        var engine = await _fx.OpenEngineAsync();
        var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);
        var (source, _) = await DemoSetup.PrepareAsync(engine, rows: 700, seed: 4, default);
        Assert.True((await engine.Runner.RunAsync(source, default)).Succeeded);
        await DemoOpenList.EnsureAsync(engine.Catalog, default);
        var worker = credentials.Single(c => c.Name == "maqun-street");

        IReadOnlyList<IReadOnlyDictionary<string, object?>> served;
        var backup = Path.Combine(_backups.Path, "b1");
        await using (var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 100 }))
        {
            await app.StartAsync();
            served = await ReadAllAsync(ServeCommand.BoundAddress(app), worker);
            Assert.NotEmpty(served);

            // Online: the server keeps running during the backup.
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.Equal(CommandLine.Ok, await CommandLine.RunAsync(["backup", "--data", _fx.Data.Root, "--to", backup], stdout, stderr, default));
            Assert.Contains("已备份到", stdout.ToString());
        }
        Assert.True(File.Exists(Path.Combine(backup, "catalog.db")));
        Assert.True(File.Exists(Path.Combine(backup, "secrets", "serving.key")));
        Assert.Empty(Directory.EnumerateFiles(backup, "stage.duckdb*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(backup, "accepted.csv", SearchOption.AllDirectories));

        // A publish after the backup is not in it.
        var (_, _) = await DemoSetup.PrepareAsync(engine, rows: 500, seed: 8, default);
        Assert.Equal(2, (await engine.Runner.RunAsync(source, new DataHub.Pipelines.Ingestion.RunRequest { Force = true }, default)).Version);

        var restored = Path.Combine(_backups.Path, "restored");
        var restoreOut = new StringWriter();
        Assert.Equal(CommandLine.Ok, await CommandLine.RunAsync(["restore", "--from", backup, "--data", restored], restoreOut, TextWriter.Null, default));
        // Restoring over an existing folder is refused.
        Assert.Equal(CommandLine.Failed, await CommandLine.RunAsync(["restore", "--from", backup, "--data", restored], TextWriter.Null, TextWriter.Null, default));

        var again = await DataHubEngine.OpenAsync(new DataDirectory(restored), TimeProvider.System, NullLoggerFactory.Instance, default);
        await again.Runner.RecoverAsync(default);
        Assert.Equal(1, Assert.Single(await again.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
        await using (var app = DataHubWebApp.Create(again, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 100 }))
        {
            await app.StartAsync();
            var after = await ReadAllAsync(ServeCommand.BoundAddress(app), worker);
            Assert.Equal(served.Count, after.Count);
            Assert.Equal(Keys(served), Keys(after));
            Assert.Equal(served.Select(Text), after.Select(Text));
        }
    }

    [Fact]
    public async Task PostgresCatalog_BackupWhileServing_RestoreIntoNewSchema_ServesTheSameRows()
    {
        await using var live = await PostgresSchema.CreateAsync();
        await using var fresh = await PostgresSchema.CreateAsync();
        var engine = await DataHubEngine.OpenAsync(_fx.Data, TimeProvider.System, NullLoggerFactory.Instance, default, live.ConnectionString);
        var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);
        var (source, _) = await DemoSetup.PrepareAsync(engine, rows: 600, seed: 5, default);
        Assert.True((await engine.Runner.RunAsync(source, default)).Succeeded);
        await DemoOpenList.EnsureAsync(engine.Catalog, default);
        var worker = credentials.Single(c => c.Name == "maqun-street");

        IReadOnlyList<IReadOnlyDictionary<string, object?>> served;
        var backup = Path.Combine(_backups.Path, "pg");
        await using (var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 100 }))
        {
            await app.StartAsync();
            // The first refresh of the served datasets runs in the background: wait for it, not for its timer.
            await app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
            served = await ReadAllAsync(ServeCommand.BoundAddress(app), worker);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.True(CommandLine.Ok == await CommandLine.RunAsync(["backup", "--data", _fx.Data.Root, "--catalog-postgres", live.ConnectionString, "--to", backup], stdout, stderr, default), stderr.ToString());
            Assert.Contains("PostgreSQL 目录库", stdout.ToString());
        }
        Assert.True(File.Exists(Path.Combine(backup, "catalog-postgres", "manifest.json")));
        Assert.True(File.Exists(Path.Combine(backup, "catalog-postgres", "principals.copy")));
        Assert.False(File.Exists(Path.Combine(backup, "catalog.db")));

        // A publish after the backup is not in it.
        await DemoSetup.PrepareAsync(engine, rows: 500, seed: 8, default);
        Assert.Equal(2, (await engine.Runner.RunAsync(source, new DataHub.Pipelines.Ingestion.RunRequest { Force = true }, default)).Version);

        // A PostgreSQL backup needs a PostgreSQL target, and never writes over a catalog in use.
        var restored = Path.Combine(_backups.Path, "pg-restored");
        var refused = new StringWriter();
        Assert.Equal(CommandLine.Failed, await CommandLine.RunAsync(["restore", "--from", backup, "--data", Path.Combine(_backups.Path, "pg-x")], TextWriter.Null, refused, default));
        Assert.Contains("RESTORE_NEEDS_POSTGRES", refused.ToString());
        refused = new StringWriter();
        Assert.Equal(CommandLine.Failed, await CommandLine.RunAsync(["restore", "--from", backup, "--data", Path.Combine(_backups.Path, "pg-y"), "--catalog-postgres", live.ConnectionString], TextWriter.Null, refused, default));
        Assert.Contains("BACKUP_TARGET_NOT_EMPTY", refused.ToString());

        var restoreOut = new StringWriter();
        var restoreErr = new StringWriter();
        Assert.True(CommandLine.Ok == await CommandLine.RunAsync(["restore", "--from", backup, "--data", restored, "--catalog-postgres", fresh.ConnectionString], restoreOut, restoreErr, default), restoreErr.ToString());
        Assert.Contains("已把目录库恢复到 PostgreSQL", restoreOut.ToString());

        var again = await DataHubEngine.OpenAsync(new DataDirectory(restored), TimeProvider.System, NullLoggerFactory.Instance, default, fresh.ConnectionString);
        await again.Runner.RecoverAsync(default);
        Assert.Equal(1, Assert.Single(await again.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
        await using (var app = DataHubWebApp.Create(again, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 100 }))
        {
            await app.StartAsync();
            // The first refresh of the served datasets runs in the background: wait for it, not for its timer.
            await app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
            var after = await ReadAllAsync(ServeCommand.BoundAddress(app), worker);
            Assert.Equal(served.Count, after.Count);
            Assert.Equal(Keys(served), Keys(after));
            Assert.Equal(served.Select(Text), after.Select(Text));
        }
    }

    private static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAllAsync(string baseAddress, DemoCredential worker)
    {
        using var http = new HttpClient();
        var client = new StrictODataClient(http, new StrictODataClientOptions { UserName = worker.Name, Password = worker.Password });
        var root = new Uri(baseAddress + "/odata/");
        var feed = await client.ReadFeedAsync(new Uri(root, "Population?$count=true"), await client.GetMetadataAsync(root));
        Assert.Equal(feed.Rows.Count, feed.Count);
        return feed.Rows;
    }

    private static string[] Keys(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows) =>
        rows.Select(r => (string)r["记录编号"]!).Order(StringComparer.Ordinal).ToArray();

    private static string Text(IReadOnlyDictionary<string, object?> row) =>
        string.Join("|", row.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture)));
}
