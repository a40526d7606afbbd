using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Sql;
using DataHub.TestKit;
using DataHub.TestKit.Connectors;

namespace DataHub.Connectors.Tests.Sql;

/// <summary>Full then incremental reads on a real SQLite file and a real PostgreSQL schema.</summary>
public sealed class SqlConnectorIncrementalTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("sql-incremental");
    private PostgresSchema? _schema;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_schema is not null) await _schema.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<PoliceDatabase> CreateAsync(string provider)
    {
        if (provider == "sqlite") return await PoliceDatabase.CreateSqliteAsync(_dir.File("公安.db"));
        _schema = await PostgresSchema.CreateAsync();
        return await PoliceDatabase.CreatePostgresAsync(_schema);
    }

    private SourceConfig Config(PoliceDatabase db) => new("公安人口库", PoliceRows.Options(db,
        ("deleted_column", "记录状态"), ("deleted_values", "注销,删除"),
        ("tombstone_table", PoliceDatabase.Tombstones), ("tombstone_cursor_column", "删除时间")), _dir.Path);

    private static async Task<List<RecordBatch>> ReadAsync(SourceConfig config, ConnectorState? state)
    {
        var batches = new List<RecordBatch>();
        await foreach (var b in SqlConnectorRegistration.Create().ReadAsync(config, state, default)) batches.Add(b);
        return batches;
    }

    private static string Id(SourceRecord r) => (string)r.Values[0]!;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Read_AfterInsertUpdateAndDeletes_ReturnsExactlyTheChanges(string provider)
    {
        var db = await CreateAsync(provider);
        await PoliceRows.FillAsync(db, 6);
        var config = Config(db);

        var full = await ReadAsync(config, null);
        Assert.All(full, b => Assert.False(b.IsDelta));
        Assert.Equal(6, full.Sum(b => b.Records.Count));
        Assert.DoesNotContain(full.SelectMany(b => b.Records), r => r.IsDeletion);

        var later = PoliceRows.Start.AddDays(1);
        await db.InsertAsync("320113199001010007", "新居民", later);
        await db.UpdateNameAsync("320113198001010002", "改名", later.AddMinutes(1));
        await db.MarkDeletedAsync("320113198001010003", later.AddMinutes(2));
        await db.DeleteWithTombstoneAsync("320113198001010004", later.AddMinutes(3));

        var delta = await ReadAsync(config, full[^1].State);

        Assert.All(delta, b => Assert.True(b.IsDelta));
        var records = delta.SelectMany(b => b.Records).ToList();
        Assert.Equal(["320113199001010007", "320113198001010002"], records.Where(r => !r.IsDeletion).Select(Id));
        Assert.Equal(["320113198001010003", "320113198001010004"], records.Where(r => r.IsDeletion).Select(Id));
        Assert.Equal("改名", records.Single(r => Id(r) == "320113198001010002").Values[1]);
        var tombstone = records.Single(r => Id(r) == "320113198001010004");
        Assert.All(tombstone.Values.Skip(1), Assert.Null); // only the key comes from the tombstone table

        // Nothing already committed comes back: a read with the delta's state returns no records.
        var again = await ReadAsync(config, delta[^1].State);
        Assert.Empty(again.SelectMany(b => b.Records));
        static string Cursors(ConnectorState? s) => s!.Json[..s.Json.IndexOf("\"rows\"", StringComparison.Ordinal)];
        Assert.Equal(Cursors(delta[^1].State), Cursors(again[^1].State));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Read_WithoutCursorColumn_IsAlwaysFull(string provider)
    {
        var db = await CreateAsync(provider);
        await PoliceRows.FillAsync(db, 3);
        var options = new Dictionary<string, string>(db.ConnectorOptions);
        var config = new SourceConfig("公安人口库", options, _dir.Path);

        var first = await ReadAsync(config, null);
        var second = await ReadAsync(config, first[^1].State);

        Assert.Equal(3, second.Sum(b => b.Records.Count));
        Assert.All(second, b => Assert.False(b.IsDelta));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Read_Query_SelectsWhatTheQuerySays(string provider)
    {
        var db = await CreateAsync(provider);
        await PoliceRows.FillAsync(db, 4);
        var options = new Dictionary<string, string>(db.ConnectorOptions) { ["cursor_column"] = "更新时间" };
        options.Remove("table");
        options["query"] = $"""SELECT "公民身份号码", "姓名", "更新时间" FROM "{PoliceDatabase.Table}" WHERE "姓名" <> '居民2'""";
        var config = new SourceConfig("公安人口库", options, _dir.Path);

        var stream = await SqlConnectorRegistration.Create().DiscoverAsync(config, default);
        var batches = await ReadAsync(config, null);

        Assert.Equal(["公民身份号码", "姓名", "更新时间"], stream.Columns.Select(c => c.Name));
        Assert.Equal(3, batches.Sum(b => b.Records.Count));
    }
}
