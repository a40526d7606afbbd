using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataHub.Simulators.District.Stores;

/// <summary>
/// The 公安 population register as its database: the table 实有人口 (the export's columns, 序号 as
/// key, 更新时间 a real time: SQLite ISO text, PostgreSQL timestamp) and the tombstone table
/// 人口删除记录 (公民身份号码, 删除时间) for persons who left the register. SQLite file by default,
/// a PostgreSQL schema when a connection string is given.
/// </summary>
internal sealed class PoliceRegister
{
    public const string Table = "实有人口";
    public const string Tombstones = "人口删除记录";

    /// <summary>The columns after 序号, as the export names them (no padding spaces: database column names).</summary>
    public static readonly string[] Columns =
        ["公民身份号码", "姓名", "性别", "民族", "出生日期", "户籍地址", "现住址", "社区代码", "社区名称", "人员类型", "迁入日期", "人员状态", "联系电话（手机）", "更新时间"];

    private readonly Func<DbConnection> _open;

    private PoliceRegister(Func<DbConnection> open, bool postgres, string? schema, string? sqlitePath)
    {
        _open = open;
        IsPostgres = postgres;
        Schema = schema;
        SqlitePath = sqlitePath;
    }

    public bool IsPostgres { get; }
    public string? Schema { get; }
    public string? SqlitePath { get; }

    private string T(string table) => Schema is null ? $"\"{table}\"" : $"\"{Schema}\".\"{table}\"";

    public static PoliceRegister Sqlite(string path) =>
        new(() => new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()), false, null, path);

    public static PoliceRegister Postgres(string connectionString, string schema) =>
        new(() => new NpgsqlConnection(connectionString), true, schema, null);

    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        if (SqlitePath is not null && File.Exists(SqlitePath)) File.Delete(SqlitePath);
        var time = IsPostgres ? "TIMESTAMP" : "TEXT";
        var columns = string.Join(", ", Columns.Select(c => c == "更新时间" ? $"\"{c}\" {time} NOT NULL" : $"\"{c}\" TEXT"));
        var schema = Schema is null ? "" : $"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE; CREATE SCHEMA \"{Schema}\";";
        await ExecAsync($"""
            {schema}
            CREATE TABLE {T(Table)} ("序号" BIGINT PRIMARY KEY, {columns});
            CREATE INDEX "实有人口_更新时间" ON {T(Table)} ("更新时间");
            CREATE TABLE {T(Tombstones)} ("公民身份号码" TEXT NOT NULL, "删除时间" {time} NOT NULL);
            """, cancellationToken);
    }

    /// <summary>Inserts rows (序号 first, then <see cref="Columns"/>; 更新时间 as an instant) in one transaction.</summary>
    public async Task InsertAsync(IEnumerable<(long Number, string[] Fields, DateTimeOffset Updated)> rows, CancellationToken cancellationToken)
    {
        await using var conn = _open();
        await conn.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        var names = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        var values = string.Join(", ", Columns.Select((_, i) => $"@p{i}"));
        cmd.CommandText = $"INSERT INTO {T(Table)} (\"序号\", {names}) VALUES (@n, {values})";
        var number = Parameter(cmd, "n");
        var parameters = Columns.Select((_, i) => Parameter(cmd, "p" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        foreach (var (n, fields, updated) in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number.Value = n;
            // fields[0] is 序号 in the export; the rest follow Columns, with 更新时间 replaced by the real instant.
            for (var i = 0; i < Columns.Length - 1; i++) parameters[i].Value = (object?)fields[i + 1] ?? DBNull.Value;
            parameters[^1].Value = Time(updated);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Sets columns of one row (by 序号) and its 更新时间.</summary>
    public Task UpdateAsync(long number, IReadOnlyDictionary<string, string> set, DateTimeOffset updated, CancellationToken cancellationToken)
    {
        var assignments = set.Keys.Select((c, i) => $"\"{c}\" = @v{i}").Append("\"更新时间\" = @t");
        var args = set.Values.Select((v, i) => ("v" + i.ToString(CultureInfo.InvariantCulture), (object)v))
            .Append(("t", Time(updated))).Append(("n", (object)number)).ToArray();
        return ExecAsync($"UPDATE {T(Table)} SET {string.Join(", ", assignments)} WHERE \"序号\" = @n", cancellationToken, args);
    }

    /// <summary>Deletes a row and records its 公民身份号码 in the tombstone table, as the register does when a person leaves.</summary>
    public async Task DeleteAsync(long number, string idAsWritten, DateTimeOffset deleted, CancellationToken cancellationToken)
    {
        await ExecAsync($"DELETE FROM {T(Table)} WHERE \"序号\" = @n", cancellationToken, ("n", number));
        await ExecAsync($"INSERT INTO {T(Tombstones)} VALUES (@id, @t)", cancellationToken, ("id", idAsWritten), ("t", Time(deleted)));
    }

    /// <summary>The 公民身份号码 text of a row as stored.</summary>
    public async Task<string?> IdAsWrittenAsync(long number, CancellationToken cancellationToken)
    {
        await using var conn = _open();
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT \"公民身份号码\" FROM {T(Table)} WHERE \"序号\" = @n";
        Parameter(cmd, "n").Value = number;
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    private object Time(DateTimeOffset t)
    {
        var local = t.ToOffset(TimeSpan.FromHours(8)).DateTime;
        return IsPostgres ? DateTime.SpecifyKind(local, DateTimeKind.Unspecified) : local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
    }

    private static DbParameter Parameter(DbCommand cmd, string name)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        cmd.Parameters.Add(p);
        return p;
    }

    private async Task ExecAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] args)
    {
        await using var conn = _open();
        await conn.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args) Parameter(cmd, name).Value = value;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
