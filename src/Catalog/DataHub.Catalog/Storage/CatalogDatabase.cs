using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataHub.Catalog.Storage;

/// <summary>
/// The catalog's database: a connection factory plus the few helpers every store uses.
/// Embedded default: one SQLite file in WAL mode (readers never block the publishing writer).
/// Bigger deployments: PostgreSQL, with the same SQL (see <see cref="CatalogSchema"/>).
/// </summary>
public sealed class CatalogDatabase
{
    private readonly Func<DbConnection> _connect;

    private CatalogDatabase(Func<DbConnection> connect, string description)
    {
        _connect = connect;
        Description = description;
    }

    /// <summary>Where the catalog lives, for logs and the health page (no secrets).</summary>
    public string Description { get; }

    public static async Task<CatalogDatabase> OpenSqliteAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        var db = new CatalogDatabase(() => new SqliteConnection(cs), $"SQLite {Path.GetFullPath(path)}");
        await using (var conn = await db.OpenAsync(cancellationToken))
        {
            // WAL survives in the file; busy_timeout and foreign keys are per connection (see OpenAsync).
            await ExecAsync(conn, null, "PRAGMA journal_mode=WAL;", [], cancellationToken);
        }
        await db.MigrateAsync(cancellationToken);
        return db;
    }

    /// <summary>
    /// Opens a PostgreSQL catalog. <paramref name="connectionString"/> is an Npgsql connection string;
    /// tables live in the connection's search path, so several catalogs can share a database by schema.
    /// </summary>
    public static async Task<CatalogDatabase> OpenPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var dataSource = NpgsqlDataSource.Create(builder);
        var db = new CatalogDatabase(dataSource.CreateConnection, $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}");
        await db.MigrateAsync(cancellationToken);
        return db;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var conn = _connect();
        await conn.OpenAsync(cancellationToken);
        if (conn is SqliteConnection)
        {
            await ExecAsync(conn, null, "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;", [], cancellationToken);
        }
        return conn;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var conn = await OpenAsync(cancellationToken);
        await ExecAsync(conn, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);", [], cancellationToken);
        var applied = (await QueryAsync(conn, null, "SELECT version FROM schema_migrations", [], r => r.GetInt32(0), cancellationToken)).ToHashSet();
        foreach (var (version, sql) in CatalogSchema.Migrations.Where(m => !applied.Contains(m.Version)))
        {
            await using var tx = await conn.BeginTransactionAsync(cancellationToken);
            await ExecAsync(conn, tx, sql, [], cancellationToken);
            await ExecAsync(conn, tx, "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)",
                [("v", version), ("at", Timestamp(TimeProvider.System.GetUtcNow()))], cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
    }

    public static async Task<int> ExecAsync(DbConnection conn, DbTransaction? tx, string sql, IEnumerable<(string Name, object? Value)> args, CancellationToken cancellationToken)
    {
        await using var cmd = Command(conn, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<List<T>> QueryAsync<T>(DbConnection conn, DbTransaction? tx, string sql, IEnumerable<(string Name, object? Value)> args, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var cmd = Command(conn, tx, sql, args);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) list.Add(map(reader));
        return list;
    }

    public static async Task<object?> ScalarAsync(DbConnection conn, DbTransaction? tx, string sql, IEnumerable<(string Name, object? Value)> args, CancellationToken cancellationToken)
    {
        await using var cmd = Command(conn, tx, sql, args);
        var v = await cmd.ExecuteScalarAsync(cancellationToken);
        return v is DBNull ? null : v;
    }

    private static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql, IEnumerable<(string Name, object? Value)> args)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>Timestamps are stored as ISO 8601 text with their offset, in UTC.</summary>
    public static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture);

    public static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
