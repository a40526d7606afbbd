using System.Data;
using System.Data.Common;
using DataHub.Connectors.Abstractions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataHub.Connectors.Sql;

/// <summary>
/// One open, read-only session on the source database, inside one snapshot transaction, so the
/// rows, the tombstones and the cursor maximum a run reads all describe the same moment.
/// </summary>
internal sealed class SqlSource : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;

    private SqlSource(SqlOptions options, DbConnection connection, DbTransaction transaction)
    {
        Options = options;
        _connection = connection;
        _transaction = transaction;
    }

    public SqlOptions Options { get; }

    public static async Task<SqlSource> OpenAsync(SqlOptions options, CancellationToken cancellationToken)
    {
        var connection = Create(options);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // PostgreSQL: one repeatable-read snapshot; SQLite: a deferred transaction reads one snapshot too.
            var transaction = connection is SqliteConnection lite
                ? lite.BeginTransaction(deferred: true)
                : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            return new SqlSource(options, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static DbConnection Create(SqlOptions o)
    {
        if (o.Provider == SqlProvider.Sqlite)
        {
            // Read-only: a wrong path must not create an empty database that then "has no table".
            if (!File.Exists(o.Target))
                throw new ConnectorException(ConnectorFailure.Config, "SQL_DATABASE_MISSING", "找不到 SQLite 数据库文件", o.Target,
                    $"检查 {SqlOptions.DatabaseOption} 的路径（相对路径以数据源定义文件所在目录为起点）");
            return new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = o.Target, Mode = SqliteOpenMode.ReadOnly, DefaultTimeout = o.TimeoutSeconds, Pooling = false,
            }.ToString());
        }
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(o.Target);
        }
        catch (ArgumentException e)
        {
            throw new ConnectorException(ConnectorFailure.Config, "SQL_CONNECTION_INVALID", "PostgreSQL 连接字符串无法解析",
                $"数据源 {o.SourceId} 的 connector.{SqlOptions.ConnectionOption}", "格式如 Host=db.example;Port=5432;Database=police;Username=datahub_reader", e);
        }
        builder.Timeout = Math.Min(o.TimeoutSeconds, 1024);
        builder.CommandTimeout = o.TimeoutSeconds;
        builder.ApplicationName ??= "DataHub";
        if (o.ResolvePassword() is { } password) builder.Password = password;
        return new NpgsqlConnection(builder.ToString());
    }

    /// <summary>The relation a read selects from: the quoted table, or the query as a subselect.</summary>
    public string Relation => Options.Table is { } t ? QuoteName(t) : $"({Options.Query}) AS src";

    public string QuoteName(string name) => string.Join('.', name.Split('.').Select(Quote));

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A command in the session's snapshot; <paramref name="parameters"/> are bound by name.</summary>
    public DbCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = sql;
        cmd.CommandTimeout = Options.TimeoutSeconds;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>The columns of a relation, read from an empty result.</summary>
    public async Task<IReadOnlyList<SourceColumn>> ColumnsAsync(string relation, CancellationToken cancellationToken)
    {
        await using var cmd = Command($"SELECT * FROM {relation} WHERE 1 = 0");
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SchemaOnly, cancellationToken);
        return Columns(reader);
    }

    public static IReadOnlyList<SourceColumn> Columns(DbDataReader reader)
    {
        var columns = new List<SourceColumn>(reader.FieldCount);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            string? type;
            try
            {
                type = reader.GetDataTypeName(i);
            }
            catch (InvalidOperationException)
            {
                type = null; // an expression column of SQLite has no declared type
            }
            columns.Add(new SourceColumn(reader.GetName(i), i + 1, string.IsNullOrEmpty(type) ? null : type.ToLowerInvariant()));
        }
        return columns;
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync(); // rolls back: nothing was written
        await _connection.DisposeAsync();
    }
}
