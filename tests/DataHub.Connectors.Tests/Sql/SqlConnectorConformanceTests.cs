using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Sql;
using DataHub.TestKit;
using DataHub.TestKit.Connectors;

namespace DataHub.Connectors.Tests.Sql;

/// <summary>Five register rows, read incrementally by 更新时间 in batches of two.</summary>
internal static class PoliceRows
{
    public static readonly DateTime Start = new(2026, 11, 1, 8, 0, 0);

    public static async Task FillAsync(PoliceDatabase db, int count = 5)
    {
        for (var i = 1; i <= count; i++)
            await db.InsertAsync($"32011319800101{i:D4}", $"居民{i}", Start.AddMinutes(i));
    }

    public static Dictionary<string, string> Options(PoliceDatabase db, params (string Key, string Value)[] extra)
    {
        var options = new Dictionary<string, string>(db.ConnectorOptions) { ["cursor_column"] = "更新时间", ["batch_size"] = "2" };
        foreach (var (k, v) in extra) options[k] = v;
        return options;
    }
}

public sealed class SqliteConnectorConformanceTests : ConnectorConformance
{
    protected override int ExpectedRecordCount => 5;

    protected override ISourceConnector CreateConnector() => SqlConnectorRegistration.Create();

    protected override SourceConfig CreateValidConfig(string workDir)
    {
        var db = PoliceDatabase.CreateSqliteAsync(Path.Combine(workDir, "公安.db")).GetAwaiter().GetResult();
        PoliceRows.FillAsync(db).GetAwaiter().GetResult();
        return new SourceConfig("公安人口库", PoliceRows.Options(db), workDir);
    }

    /// <summary>Another process holds an exclusive lock on the file: reads are busy until it lets go.</summary>
    protected override async Task<(SourceConfig Config, IAsyncDisposable Outage)?> BreakTransientlyAsync(SourceConfig config)
    {
        var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={config.Option("database")};Pooling=False");
        await holder.OpenAsync();
        await using (var cmd = holder.CreateCommand())
        {
            cmd.CommandText = "BEGIN EXCLUSIVE";
            await cmd.ExecuteNonQueryAsync();
        }
        var options = new Dictionary<string, string>(config.Options) { ["timeout_seconds"] = "1" };
        return (config with { Options = options }, holder);
    }
}

public sealed class PostgresConnectorConformanceTests : ConnectorConformance
{
    private readonly List<PostgresSchema> _schemas = [];

    protected override int ExpectedRecordCount => 5;

    protected override ISourceConnector CreateConnector() => SqlConnectorRegistration.Create();

    protected override SourceConfig CreateValidConfig(string workDir)
    {
        var schema = PostgresSchema.CreateAsync().GetAwaiter().GetResult();
        _schemas.Add(schema);
        var db = PoliceDatabase.CreatePostgresAsync(schema).GetAwaiter().GetResult();
        PoliceRows.FillAsync(db).GetAwaiter().GetResult();
        return new SourceConfig("公安人口库", PoliceRows.Options(db), workDir);
    }

    private readonly List<FlakyTcpProxy> _proxies = [];

    /// <summary>The server is reached through a hop that drops every connection until the outage ends.</summary>
    protected override Task<(SourceConfig Config, IAsyncDisposable Outage)?> BreakTransientlyAsync(SourceConfig config)
    {
        var server = new Npgsql.NpgsqlConnectionStringBuilder(config.Option("connection"));
        var proxy = new FlakyTcpProxy(server.Host!, server.Port) { Down = true };
        _proxies.Add(proxy);
        server.Host = "127.0.0.1";
        server.Port = proxy.Port;
        var options = new Dictionary<string, string>(config.Options) { ["connection"] = server.ToString(), ["timeout_seconds"] = "3" };
        return Task.FromResult<(SourceConfig, IAsyncDisposable)?>((config with { Options = options }, new Outage(proxy)));
    }

    private sealed class Outage(FlakyTcpProxy proxy) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            proxy.Down = false;
            return ValueTask.CompletedTask;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var p in _proxies) p.DisposeAsync().AsTask().GetAwaiter().GetResult();
            foreach (var s in _schemas) s.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }
}
