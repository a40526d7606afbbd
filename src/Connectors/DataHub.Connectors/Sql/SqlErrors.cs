using DataHub.Connectors.Abstractions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataHub.Connectors.Sql;

/// <summary>
/// Turns driver exceptions into <see cref="ConnectorException"/>s a person can act on. Server
/// messages are quoted only where they name schema objects (a missing table or column), never
/// where they could quote a row value.
/// </summary>
internal static class SqlErrors
{
    public static ConnectorException? Map(Exception e, SqlOptions o) => e switch
    {
        ConnectorException => null,
        PostgresException pg => Postgres(pg, o),
        NpgsqlException npg => new ConnectorException(ConnectorFailure.Transient, "SQL_UNREACHABLE",
            $"连接不上数据库（{o.Describe()}）", where: $"数据源 {o.SourceId}",
            fix: "确认数据库服务器已启动、主机名和端口正确、防火墙允许本机访问；网络恢复后会自动重试", inner: npg),
        SqliteException lite => Sqlite(lite, o),
        TimeoutException t => new ConnectorException(ConnectorFailure.Transient, "SQL_TIMEOUT",
            $"数据库在 {o.TimeoutSeconds} 秒内没有响应（{o.Describe()}）", where: $"数据源 {o.SourceId}",
            fix: "稍后重试；查询很慢时可加大 timeout_seconds", inner: t),
        _ => null,
    };

    private static ConnectorException Postgres(PostgresException e, SqlOptions o)
    {
        var where = $"数据源 {o.SourceId}（{o.Describe()}）";
        return e.SqlState switch
        {
            PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => new(ConnectorFailure.Config, "SQL_LOGIN_FAILED",
                "数据库拒绝登录：用户名或密码不对", where,
                $"核对连接字符串中的 Username，以及 {SqlOptions.PasswordEnvOption} / {SqlOptions.PasswordFileOption} 提供的密码；密码改过时请同步更新", e),
            PostgresErrorCodes.InvalidCatalogName => new(ConnectorFailure.Config, "SQL_DATABASE_MISSING",
                "数据库不存在", where, "核对连接字符串中的 Database", e),
            PostgresErrorCodes.UndefinedTable => new(ConnectorFailure.Config, "SQL_TABLE_MISSING",
                $"数据库中没有要读取的表：{e.MessageText}", where, $"核对 {SqlOptions.TableOption} / {SqlOptions.TombstoneTableOption} 的表名（含模式名），或请部门确认表是否改名", e),
            PostgresErrorCodes.UndefinedColumn => new(ConnectorFailure.Config, "SQL_COLUMN_MISSING",
                $"数据库中没有要读取的列：{e.MessageText}", where, "核对查询或游标列、状态列的列名，或请部门确认列是否改名", e),
            PostgresErrorCodes.InsufficientPrivilege => new(ConnectorFailure.Config, "SQL_NO_PRIVILEGE",
                "数据库账号没有读取权限", where, "请数据库管理员给该账号授予 SELECT 权限", e),
            PostgresErrorCodes.SyntaxError => new(ConnectorFailure.Config, "SQL_QUERY_INVALID",
                "查询语句有语法错误", where, $"检查 {SqlOptions.QueryOption}：须是一条 SELECT 语句，末尾不要分号", e),
            _ when e.IsTransient || e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("57P", StringComparison.Ordinal) || e.SqlState == PostgresErrorCodes.TooManyConnections
                => new(ConnectorFailure.Transient, "SQL_UNAVAILABLE", $"数据库暂时不可用（SQLSTATE {e.SqlState}）", where, "稍后会自动重试；持续失败请联系数据库管理员", e),
            // Other messages can quote values (a failed cast names the value): only the code goes out.
            _ => new(ConnectorFailure.Data, "SQL_READ_FAILED", $"读取数据库时出错（SQLSTATE {e.SqlState}）", where, "请数据库管理员按 SQLSTATE 代码排查；详情见服务日志", e),
        };
    }

    private static ConnectorException Sqlite(SqliteException e, SqlOptions o)
    {
        var where = $"数据源 {o.SourceId}（{o.Describe()}）";
        const int Busy = 5, Locked = 6, CantOpen = 14, NotADb = 26, Error = 1;
        var message = e.Message;
        return e.SqliteErrorCode switch
        {
            Busy or Locked => new(ConnectorFailure.Transient, "SQL_UNAVAILABLE", "数据库文件正被占用", where, "稍后会自动重试", e),
            CantOpen => new(ConnectorFailure.Config, "SQL_DATABASE_MISSING", "打不开 SQLite 数据库文件", where, "检查 database 的路径和文件权限", e),
            NotADb => new(ConnectorFailure.Data, "SQL_NOT_A_DATABASE", "文件不是 SQLite 数据库", where, "确认 database 指向部门提供的 .db 文件", e),
            Error when message.Contains("no such table", StringComparison.OrdinalIgnoreCase) => new(ConnectorFailure.Config, "SQL_TABLE_MISSING",
                $"数据库中没有要读取的表：{After(message, "no such table:")}", where, $"核对 {SqlOptions.TableOption} / {SqlOptions.TombstoneTableOption} 的表名，或请部门确认表是否改名", e),
            Error when message.Contains("no such column", StringComparison.OrdinalIgnoreCase) => new(ConnectorFailure.Config, "SQL_COLUMN_MISSING",
                $"数据库中没有要读取的列：{After(message, "no such column:")}", where, "核对查询或游标列、状态列的列名，或请部门确认列是否改名", e),
            Error when message.Contains("syntax error", StringComparison.OrdinalIgnoreCase) => new(ConnectorFailure.Config, "SQL_QUERY_INVALID",
                "查询语句有语法错误", where, $"检查 {SqlOptions.QueryOption}：须是一条 SELECT 语句，末尾不要分号", e),
            _ => new(ConnectorFailure.Data, "SQL_READ_FAILED", $"读取 SQLite 数据库时出错（错误码 {e.SqliteErrorCode}）", where, "确认文件完好；详情见服务日志", e),
        };
    }

    private static string After(string message, string marker)
    {
        var i = message.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        return i < 0 ? message : message[(i + marker.Length)..].Trim().TrimEnd('\'', '.');
    }
}
