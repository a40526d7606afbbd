using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataHub.TestKit.Connectors;

/// <summary>
/// A police population register as a real database (an SQLite file or a PostgreSQL schema): the
/// table 实有人口 with an update time and a record status, and a tombstone table 人口删除记录.
/// Tests insert, update and delete through it as the department's system would.
/// </summary>
public sealed class PoliceDatabase : IAsyncDisposable
{
    public const string Table = "实有人口";
    public const string Tombstones = "人口删除记录";

    private readonly Func<DbConnection> _open;
    private readonly bool _postgres;

    private PoliceDatabase(Func<DbConnection> open, bool postgres, IReadOnlyDictionary<string, string> options)
    {
        _open = open;
        _postgres = postgres;
        ConnectorOptions = options;
    }

    /// <summary>The connector options of a source reading this database (no cursor, no deletions: add them as a test needs).</summary>
    public IReadOnlyDictionary<string, string> ConnectorOptions { get; }

    public static async Task<PoliceDatabase> CreateSqliteAsync(string path)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        var db = new PoliceDatabase(() => new SqliteConnection(cs), false,
            new Dictionary<string, string> { ["provider"] = "sqlite", ["database"] = path, ["table"] = Table });
        await db.CreateTablesAsync("TEXT");
        return db;
    }

    /// <summary>Tables in <paramref name="schema"/>; the source reads them with the server's trust login and the schema as search path.</summary>
    public static async Task<PoliceDatabase> CreatePostgresAsync(PostgresSchema schema)
    {
        var db = new PoliceDatabase(() => new NpgsqlConnection(schema.ConnectionString), true,
            new Dictionary<string, string> { ["provider"] = "postgresql", ["connection"] = schema.ConnectionString, ["table"] = $"{schema.Name}.{Table}" });
        await db.CreateTablesAsync("TIMESTAMP");
        return db;
    }

    private Task CreateTablesAsync(string timeType) => ExecAsync($"""
        CREATE TABLE "{Table}" ("公民身份号码" TEXT PRIMARY KEY, "姓名" TEXT, "性别" TEXT, "出生日期" TEXT, "社区代码" TEXT,
            "人员类型" TEXT, "记录状态" TEXT NOT NULL DEFAULT '有效', "更新时间" {timeType} NOT NULL);
        CREATE TABLE "{Tombstones}" ("公民身份号码" TEXT NOT NULL, "删除时间" {timeType} NOT NULL);
        """);

    public Task InsertAsync(string id, string name, DateTime updated, string community = "320113002001") => ExecAsync(
        $"""INSERT INTO "{Table}" VALUES (@id, @name, NULL, NULL, @community, '户籍人口', '有效', @t)""",
        ("id", id), ("name", name), ("community", community), ("t", Time(updated)));

    public Task UpdateNameAsync(string id, string name, DateTime updated) => ExecAsync(
        $"""UPDATE "{Table}" SET "姓名" = @name, "更新时间" = @t WHERE "公民身份号码" = @id""", ("id", id), ("name", name), ("t", Time(updated)));

    /// <summary>The status-column way: the row stays, marked 注销.</summary>
    public Task MarkDeletedAsync(string id, DateTime updated) => ExecAsync(
        $"""UPDATE "{Table}" SET "记录状态" = '注销', "更新时间" = @t WHERE "公民身份号码" = @id""", ("id", id), ("t", Time(updated)));

    /// <summary>The tombstone way: the row goes, a tombstone records it.</summary>
    public async Task DeleteWithTombstoneAsync(string id, DateTime deleted)
    {
        await ExecAsync($"""DELETE FROM "{Table}" WHERE "公民身份号码" = @id""", ("id", id));
        await ExecAsync($"""INSERT INTO "{Tombstones}" VALUES (@id, @t)""", ("id", id), ("t", Time(deleted)));
    }

    public async Task ExecAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = _open();
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        await cmd.ExecuteNonQueryAsync();
    }

    // SQLite keeps times as ISO text (sortable); PostgreSQL as a timestamp without time zone.
    private object Time(DateTime t) => _postgres ? DateTime.SpecifyKind(t, DateTimeKind.Unspecified) : t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
