using System.Runtime.CompilerServices;
using DataHub.Catalog.Runs;
using DataHub.Connectors;
using DataHub.Connectors.Abstractions;
using DataHub.TestKit;
using DataHub.TestKit.Connectors;
using Npgsql;
using Xunit;
using static DataHub.Pipelines.Tests.Ingestion.IngestionRunnerTests;
using static DataHub.Pipelines.Tests.PipelineFixture;

namespace DataHub.Pipelines.Tests.Ingestion;

/// <summary>
/// The police register as a database, end to end: full then incremental runs on a real SQLite file
/// and a real PostgreSQL schema, exact insert/update/delete accounting, broken sources, retries.
/// </summary>
public sealed class DatabaseIngestionTests : IAsyncLifetime
{
    private static readonly DateTime T0 = new(2026, 11, 1, 8, 0, 0);
    private PipelineFixture _fx = null!;
    private PostgresSchema? _schema;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync(o => o with { RetryDelay = TimeSpan.FromMilliseconds(50) });

    public async Task DisposeAsync()
    {
        if (_schema is not null) await _schema.DisposeAsync();
        await _fx.DisposeAsync();
    }

    private async Task<PoliceDatabase> CreateDatabaseAsync(string provider)
    {
        if (provider == "sqlite") return await PoliceDatabase.CreateSqliteAsync(Path.Combine(_fx.Root, "公安.db"));
        _schema = await PostgresSchema.CreateAsync();
        return await PoliceDatabase.CreatePostgresAsync(_schema);
    }

    /// <summary>The police register source: the database's options plus the incremental and deletion settings.</summary>
    private string WriteDefinition(PoliceDatabase db, params (string Key, string? Value)[] changes)
    {
        var options = new Dictionary<string, string?>(db.ConnectorOptions.ToDictionary(kv => kv.Key, kv => (string?)kv.Value))
        {
            ["cursor_column"] = "更新时间", ["deleted_column"] = "记录状态", ["deleted_values"] = "注销",
            ["tombstone_table"] = PoliceDatabase.Tombstones, ["tombstone_cursor_column"] = "删除时间", ["batch_size"] = "2",
        };
        foreach (var (k, v) in changes) options[k] = v;
        var connector = string.Join("\n", options.Where(o => o.Value is not null).Select(o => $"  {o.Key}: \"{o.Value!.Replace("\"", "\\\"", StringComparison.Ordinal)}\""));
        var yaml = $$"""
            id: gongan-population-db
            name: 公安人口信息系统（数据库）
            dataset: population
            department: { code: "320113-GA", name: 南京市公安局栖霞分局 }
            catalog: { resource_code: "320113-GA-RK-0001", share_type: 有条件共享, share_condition: 仅限本辖区, update_cycle: 每日 }
            connector:
              type: database
            {{connector}}
            fields:
              id_number:      { from: 公民身份号码 }
              name:           { from: 姓名 }
              community_code: { from: 社区代码 }
              person_type:    { from: 人员类型, values: { 户籍人口: 户籍 } }
              updated_at:     { from: 更新时间 }
            """;
        var path = Path.Combine(_fx.Root, "gongan-population-db.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string Person(int n) => Id("19800101", n);

    private async Task<long?> CurrentVersionAsync() => (await _fx.Catalog.Datasets.GetAsync("population", default))?.CurrentVersion;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Run_FullThenIncremental_MergesExactlyTheInsertsUpdatesAndDeletes(string provider)
    {
        var db = await CreateDatabaseAsync(provider);
        for (var i = 1; i <= 5; i++) await db.InsertAsync(Person(i), $"居民{i}", T0.AddMinutes(i));
        var yaml = WriteDefinition(db);

        var full = await _fx.Runner.RunAsync(yaml, default);

        Assert.True(full.Succeeded, full.ToText());
        Assert.Equal("full", full.Mode);
        Assert.Equal(5, full.Accepted);
        Assert.Equal(5, full.VersionRows);

        var t1 = T0.AddDays(1);
        await db.InsertAsync(Person(6), "新居民", t1);
        await db.UpdateNameAsync(Person(2), "改名", t1.AddMinutes(1));
        await db.MarkDeletedAsync(Person(3), t1.AddMinutes(2));
        await db.DeleteWithTombstoneAsync(Person(4), t1.AddMinutes(3));
        await db.DeleteWithTombstoneAsync(Id("19990101", 9), t1.AddMinutes(4)); // a key DataHub never had

        var delta = await _fx.Runner.RunAsync(yaml, default);

        Assert.True(delta.Succeeded, delta.ToText());
        Assert.Equal("incremental", delta.Mode);
        Assert.Equal(5, delta.RowsRead);
        Assert.Equal(2, delta.Accepted);
        Assert.Equal(3, delta.DeletionsRead);
        Assert.Equal(delta.RowsRead, delta.Accepted + delta.Quarantined + delta.Duplicates + delta.DeletionsRead);
        Assert.Equal(1, delta.Inserted);
        Assert.Equal(1, delta.Updated);
        Assert.Equal(2, delta.Deleted);
        Assert.Equal(4, delta.VersionRows);
        var rows = await _fx.ReadCurrentAsync();
        Assert.Equal([Person(1), Person(2), Person(5), Person(6)], rows.Select(r => (string)r["id_number"]!).Order(StringComparer.Ordinal));
        Assert.Equal("改名", rows.Single(r => (string)r["id_number"]! == Person(2))["name"]);
        Assert.Equal(4L, (await _fx.Catalog.Datasets.GetVersionAsync("population", delta.Version!.Value, default))!.RowCount);

        // Nothing new: the next run reads nothing, publishes nothing and says so; the version keeps the same rows.
        var idle = await _fx.Runner.RunAsync(yaml, default);
        Assert.Equal(RunStatus.Unchanged, idle.Status);
        Assert.Equal(0, idle.RowsRead);
        Assert.Contains("增量为空", idle.ToText(), StringComparison.Ordinal);
        Assert.Equal(delta.Version, (await _fx.Catalog.Datasets.GetAsync("population", default))!.CurrentVersion);
        Assert.Equal(4, (await _fx.ReadCurrentAsync()).Count);
    }

    [Fact]
    public async Task Rollback_PutsTheCursorBack_SoTheNextRunReReadsWhatTheRollbackTookAway()
    {
        var db = await CreateDatabaseAsync("sqlite");
        for (var i = 1; i <= 3; i++) await db.InsertAsync(Person(i), $"居民{i}", T0.AddMinutes(i));
        var yaml = WriteDefinition(db);
        var full = await _fx.Runner.RunAsync(yaml, default);
        Assert.True(full.Succeeded, full.ToText());

        await db.InsertAsync(Person(4), "新居民", T0.AddDays(1));
        await db.UpdateNameAsync(Person(1), "改名", T0.AddDays(1).AddMinutes(1));
        var delta = await _fx.Runner.RunAsync(yaml, default);
        Assert.Equal("incremental", delta.Mode);
        Assert.Equal(4, delta.VersionRows);

        await _fx.Runner.RollbackAsync("population", full.Version!.Value, "steward", default);
        Assert.Equal(3, (await _fx.ReadCurrentAsync()).Count);

        // The cursor is v1's again: the insert and the update after it come back, nothing else is re-read.
        var again = await _fx.Runner.RunAsync(yaml, default);
        Assert.True(again.Succeeded, again.ToText());
        Assert.Equal("incremental", again.Mode);
        Assert.Equal(2, again.RowsRead);
        var rows = await _fx.ReadCurrentAsync();
        Assert.Equal([Person(1), Person(2), Person(3), Person(4)], rows.Select(r => (string)r["id_number"]!).Order(StringComparer.Ordinal));
        Assert.Equal("改名", rows.Single(r => (string)r["id_number"]! == Person(1))["name"]);
    }

    [Fact]
    public async Task Run_RawZone_KeepsEveryRecordReadWithItsRecordIdInPrivateFiles()
    {
        var db = await CreateDatabaseAsync("sqlite");
        for (var i = 1; i <= 3; i++) await db.InsertAsync(Person(i), $"居民{i}", T0.AddMinutes(i));
        await db.InsertAsync("12345", "坏号码", T0.AddMinutes(9));

        var report = await _fx.Runner.RunAsync(WriteDefinition(db), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.NotNull(report.RawFile);
        var raw = Query($"SELECT * FROM read_parquet('{report.RawFile}') ORDER BY _position");
        Assert.Equal(4, raw.Count);
        Assert.Equal("坏号码", raw[3]["姓名"]);
        Assert.Null(raw[3]["_record_id"]); // quarantined: no record id
        var published = await _fx.ReadCurrentAsync();
        // Any published row leads back to its source row by the record id.
        Assert.All(published, p => Assert.Contains(raw, r => (string?)r["_record_id"] == (string)p["record_id"]! && (string?)r["公民身份号码"] == (string)p["id_number"]!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(report.RawFile!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(report.RawFile!)!));
        }
    }

    [Fact]
    public async Task Run_RawZone_RunsOlderThanTheRetentionAreRemoved()
    {
        var db = await CreateDatabaseAsync("sqlite");
        await db.InsertAsync(Person(1), "居民1", T0);
        var yaml = WriteDefinition(db, ("cursor_column", null), ("deleted_column", null), ("deleted_values", null), ("tombstone_table", null), ("tombstone_cursor_column", null));

        var first = await _fx.Runner.RunAsync(yaml, default);
        _fx.Time.Advance(TimeSpan.FromDays(91));
        var second = await _fx.Runner.RunAsync(yaml, default);

        Assert.False(File.Exists(first.RawFile), "the 91-day-old raw run is past the 90-day retention");
        Assert.True(File.Exists(second.RawFile));
    }

    [Fact]
    public async Task Run_NewColumnAndTypeChange_AreReportedAsDrift()
    {
        var db = await CreateDatabaseAsync("sqlite");
        await db.InsertAsync(Person(1), "居民1", T0);
        var yaml = WriteDefinition(db);
        var first = await _fx.Runner.RunAsync(yaml, default);
        Assert.Null(first.SchemaDrift);

        await db.ExecAsync($"""ALTER TABLE "{PoliceDatabase.Table}" ADD COLUMN "联系电话" TEXT""");
        await db.ExecAsync($"""UPDATE "{PoliceDatabase.Table}" SET "联系电话" = '13800138000', "更新时间" = '2026-11-05 00:00:00'""");
        var second = await _fx.Runner.RunAsync(yaml, default);

        Assert.True(second.Succeeded, second.ToText());
        Assert.Equal(["联系电话"], second.SchemaDrift!.NewColumns);
        Assert.Contains("联系电话", second.ToText(), StringComparison.Ordinal);
        var raw = Query($"SELECT \"联系电话\" FROM read_parquet('{second.RawFile}')");
        Assert.Equal("13800138000", Assert.Single(raw)["联系电话"]); // kept in the raw zone though not mapped
    }

    [Fact]
    public async Task Run_MappedColumnRemoved_FailsNamingItAndTheColumnsThatExist()
    {
        var db = await CreateDatabaseAsync("sqlite");
        await db.InsertAsync(Person(1), "居民1", T0);
        var yaml = WriteDefinition(db);
        Assert.True((await _fx.Runner.RunAsync(yaml, default)).Succeeded);

        await db.ExecAsync($"""ALTER TABLE "{PoliceDatabase.Table}" RENAME COLUMN "姓名" TO "居民姓名" """);
        var report = await _fx.Runner.RunAsync(yaml, default);

        Assert.False(report.Succeeded);
        Assert.Equal("MAPPING_COLUMN_MISSING", report.ErrorCode);
        Assert.Contains("姓名", report.Error, StringComparison.Ordinal);
        Assert.Contains("居民姓名", report.ErrorFix, StringComparison.Ordinal);
        Assert.Equal(1, await CurrentVersionAsync());
    }

    [Theory]
    [InlineData("table", "SQL_TABLE_MISSING")]
    [InlineData("cursor", "SQL_COLUMN_MISSING")]
    [InlineData("unreachable", "SQL_UNREACHABLE")]
    [InlineData("password", "SQL_LOGIN_FAILED")]
    public async Task Run_BrokenPostgresSource_FailsClearlyPublishesNothingAndServesThePreviousVersion(string kind, string code)
    {
        var db = await CreateDatabaseAsync("postgresql");
        for (var i = 1; i <= 3; i++) await db.InsertAsync(Person(i), $"居民{i}", T0.AddMinutes(i));
        var good = await _fx.Runner.RunAsync(WriteDefinition(db), default);
        Assert.True(good.Succeeded, good.ToText());
        var stateBefore = await _fx.Catalog.Datasets.GetSourceStateAsync("gongan-population-db", default);
        await db.InsertAsync(Person(4), "居民4", T0.AddDays(1));

        var server = new NpgsqlConnectionStringBuilder(PostgresSchema.ServerConnectionString);
        var broken = kind switch
        {
            "table" => WriteDefinition(db, ("table", "人口表_已改名")),
            "cursor" => WriteDefinition(db, ("cursor_column", "修改时间")),
            "unreachable" => WriteDefinition(db, ("connection", $"Host=127.0.0.1;Port={ClosedPort()};Database=police;Username=reader"), ("timeout_seconds", "2")),
            _ => WriteDefinition(db, ("connection", $"Host={server.Host};Port={server.Port};Database=postgres;Username=datahub_login_test"), ("password_env", "DATAHUB_TEST_WRONG_PASSWORD")),
        };
        Environment.SetEnvironmentVariable("DATAHUB_TEST_WRONG_PASSWORD", "not-the-password");
        if (kind == "password") await EnsureLoginRoleAsync(db);
        var report = await _fx.Runner.RunAsync(broken, default);

        Assert.False(report.Succeeded);
        Assert.Equal(code, report.ErrorCode);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", report.Error!);
        Assert.False(string.IsNullOrWhiteSpace(report.ErrorFix));
        Assert.Equal(good.Version, await CurrentVersionAsync());
        Assert.Equal(3, (await _fx.ReadCurrentAsync()).Count);
        Assert.Equal(stateBefore, await _fx.Catalog.Datasets.GetSourceStateAsync("gongan-population-db", default));
        // Only the transient failure is retried.
        Assert.Equal(kind == "unreachable" ? 3 : 1, report.Attempts);
        Assert.DoesNotContain("not-the-password", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TransientFailureThenSuccess_IsOneCompleteRun()
    {
        var db = await CreateDatabaseAsync("postgresql");
        for (var i = 1; i <= 3; i++) await db.InsertAsync(Person(i), $"居民{i}", T0.AddMinutes(i));
        var server = new NpgsqlConnectionStringBuilder(_schema!.ConnectionString);
        await using var proxy = new FlakyTcpProxy(server.Host!, server.Port, failFirst: 1);
        server.Port = proxy.Port;
        // With "prefer", Npgsql itself reconnects once after a failed SSL or GSS request: count only our retries.
        server.SslMode = SslMode.Disable;
        server.GssEncryptionMode = GssEncryptionMode.Disable;

        var report = await _fx.Runner.RunAsync(WriteDefinition(db, ("connection", server.ToString()), ("timeout_seconds", "3")), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.True(report.Attempts == 2, $"dropped {proxy.Dropped}: " + report.ToJson());
        Assert.Equal(["SQL_UNREACHABLE"], report.RetriedFailures);
        Assert.Equal(3, report.Accepted);
        Assert.Equal(report.RowsRead, report.Accepted + report.Quarantined + report.Duplicates + report.DeletionsRead);
        Assert.Equal(1, await CurrentVersionAsync());
        var runs = await _fx.Catalog.Runs.RecentAsync("population", 10, default);
        Assert.Equal("succeeded", Assert.Single(runs).Status);
    }

    [Fact]
    public async Task Run_CancelledMidRead_SurfacesCancellationAndServesThePreviousVersion()
    {
        var db = await CreateDatabaseAsync("sqlite");
        for (var i = 1; i <= 3; i++) await db.InsertAsync(Person(i), $"居民{i}", T0.AddMinutes(i));
        var yaml = WriteDefinition(db, ("cursor_column", null), ("deleted_column", null), ("deleted_values", null), ("tombstone_table", null), ("tombstone_cursor_column", null), ("batch_size", "1"));
        using var cancel = new CancellationTokenSource();
        var wrapper = new CancelAfterFirstBatch(ConnectorCatalog.BuiltIn().Single(c => c.Spec.Type == "database"), cancel);
        await using var fx2 = await PipelineFixture.CreateAsync(connectors: [wrapper]);
        var good = await fx2.Runner.RunAsync(yaml, default);
        Assert.True(good.Succeeded, good.ToText());
        await db.InsertAsync(Person(4), "居民4", T0.AddDays(1));
        wrapper.Armed = true;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fx2.Runner.RunAsync(yaml, cancel.Token));

        Assert.Equal(1, (await fx2.Catalog.Datasets.GetAsync("population", default))!.CurrentVersion);
        Assert.Equal(3, (await fx2.ReadCurrentAsync()).Count);
        var runs = await fx2.Catalog.Runs.RecentAsync("population", 10, default);
        Assert.Equal("RUN_CANCELLED", runs.Single(r => r.Status == "failed").ErrorCode);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Task EnsureLoginRoleAsync(PoliceDatabase db) => db.ExecAsync("""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'datahub_login_test') THEN CREATE ROLE datahub_login_test LOGIN PASSWORD 'right-secret'; END IF;
        END $$;
        """);

    /// <summary>The real database connector; once armed, it cancels the run's token after handing over the first batch.</summary>
    private sealed class CancelAfterFirstBatch(ISourceConnector inner, CancellationTokenSource cts) : ISourceConnector
    {
        public bool Armed { get; set; }

        public ConnectorSpec Spec => inner.Spec;

        public Task<CheckResult> CheckAsync(SourceConfig config, CancellationToken cancellationToken) => inner.CheckAsync(config, cancellationToken);

        public Task<SourceStream> DiscoverAsync(SourceConfig config, CancellationToken cancellationToken) => inner.DiscoverAsync(config, cancellationToken);

        public async IAsyncEnumerable<RecordBatch> ReadAsync(SourceConfig config, ConnectorState? state, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var batch in inner.ReadAsync(config, state, cancellationToken))
            {
                yield return batch;
                if (Armed) await cts.CancelAsync();
            }
        }
    }
}
