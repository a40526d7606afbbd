using System.Net.Http.Headers;
using System.Text;
using DataHub.Catalog.Runs;
using DataHub.Core.Access;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Jobs;
using DataHub.Host.Tests.Cli;
using DataHub.TestKit;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace DataHub.Host.Tests.Jobs;

/// <summary>
/// Two real <c>datahub serve</c> processes on one real PostgreSQL (catalog and Hangfire, a fresh
/// database for the test) and one shared data folder: a dozen firings of the recurring job run
/// exactly a dozen times (no firing lost, none run twice, one run of the dataset at a time), every
/// publish gets its own version, and both nodes serve the newest version within seconds.
/// </summary>
[Collection("hangfire")]
public sealed class TwoNodesOnPostgresTests
{
    private const int Firings = 12;

    [Fact]
    public async Task DozenFirings_TwoNodes_EachRunsOnce_BothServeNewestVersion()
    {
        await using var db = await FreshDatabase.CreateAsync();
        using var dir = new TempDirectory("two-nodes");
        var data = new DataDirectory(dir.Path);
        var engine = await DataHubEngine.OpenAsync(data, TimeProvider.System, NullLoggerFactory.Instance, default, db.ConnectionString);
        await DemoSetup.PrepareAsync(engine, rows: 400, seed: 9, default);
        await engine.Catalog.Principals.UpsertAsync(new Principal("steward", "数据管理员", Role.Steward, "320113"), "steward-password-1", null, default);

        var env = new Dictionary<string, string> { ["DATAHUB__Jobs__QueuePollInterval"] = "00:00:00.500" };
        await using var a = DatahubProcess.Start(env, "serve", "--data", data.Root, "--catalog-postgres", db.ConnectionString, "--urls", "http://127.0.0.1:0");
        await using var b = DatahubProcess.Start(env, "serve", "--data", data.Root, "--catalog-postgres", db.ConnectionString, "--urls", "http://127.0.0.1:0");
        await a.WaitForAsync("Ctrl+C", TimeSpan.FromMinutes(2));
        await b.WaitForAsync("Ctrl+C", TimeSpan.FromMinutes(2));

        var pg = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(db.ConnectionString, pg), pg);
        var recurring = new RecurringJobManager(storage);
        for (var i = 0; i < Firings; i++) recurring.Trigger(IngestionJob.RecurringId("gongan-population"));

        var until = DateTimeOffset.UtcNow.AddMinutes(4);
        IReadOnlyList<RunEntry> runs;
        while ((runs = await engine.Catalog.Runs.RecentAsync(null, 100, default)).Count(r => r.Status != RunStatus.Running) < Firings)
        {
            Assert.True(DateTimeOffset.UtcNow < until, $"{runs.Count} runs after 4 minutes\nA:\n{a.Stderr}\nB:\n{b.Stderr}");
            await Task.Delay(500);
        }
        await Task.Delay(3000); // a duplicate execution, if any, would show up now
        runs = await engine.Catalog.Runs.RecentAsync(null, 100, default);

        // Exactly one run per firing; the export does not change between firings, so the first
        // publishes version 1 and the others find nothing new (unchanged): none fails, none is doubled.
        Assert.Equal(Firings, runs.Count);
        Assert.Equal(Firings, runs.Select(r => r.Id).Distinct().Count());
        Assert.All(runs, r => Assert.Contains(r.Status, new[] { RunStatus.Succeeded, RunStatus.Unchanged }));
        var published = Assert.Single(runs, r => r.Status == RunStatus.Succeeded);
        Assert.Equal(published.Version, (await engine.Catalog.Datasets.GetAsync("population", default))!.CurrentVersion);

        foreach (var (node, name) in new[] { (a, "node-a"), (b, "node-b") })
        {
            var root = node.Stdout.Split('\n').First(l => l.Contains("OData 服务根地址：", StringComparison.Ordinal)).Split('：')[1].Trim();
            Assert.Equal(published.Version!.Value, await ServedVersionAsync(root, name, db.ConnectionString, published.Version!.Value, TimeSpan.FromSeconds(10)));
        }
    }

    /// <summary>The version a node serves, read back from the access log (which records it per request, shortly after the answer).</summary>
    private static async Task<long> ServedVersionAsync(string root, string client, string connectionString, long expected, TimeSpan within)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("steward:steward-password-1")));
        http.DefaultRequestHeaders.UserAgent.ParseAdd(client);
        var until = DateTimeOffset.UtcNow + within;
        long version;
        do
        {
            (await http.GetAsync(new Uri(root + "Population?$top=1"))).EnsureSuccessStatusCode();
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT version FROM access_log WHERE client = @c ORDER BY at DESC LIMIT 1", conn);
            cmd.Parameters.AddWithValue("c", client);
            // The node journals its audit and moves it to the catalog in the background (about 100 ms; docs/OPEN-LIST.md): wait for it.
            version = await cmd.ExecuteScalarAsync() is long found ? found : -1;
            if (version == expected) return version;
            await Task.Delay(250);
        }
        while (DateTimeOffset.UtcNow < until);
        return version;
    }

    /// <summary>A database of its own (Hangfire's schema name is fixed), dropped afterwards.</summary>
    private sealed class FreshDatabase : IAsyncDisposable
    {
        private readonly string _name;

        private FreshDatabase(string name, string connectionString)
        {
            _name = name;
            ConnectionString = connectionString;
        }

        public string ConnectionString { get; }

        public static async Task<FreshDatabase> CreateAsync()
        {
            var name = "dh_" + Guid.NewGuid().ToString("N")[..12];
            await using (var conn = new NpgsqlConnection(PostgresSchema.ServerConnectionString))
            {
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            return new FreshDatabase(name, new NpgsqlConnectionStringBuilder(PostgresSchema.ServerConnectionString) { Database = name }.ToString());
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(PostgresSchema.ServerConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
