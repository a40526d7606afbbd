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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var s in _schemas) s.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }
}
