using System.Text.Json;
using DataHub.Core.Failures;
using Npgsql;

namespace DataHub.Catalog.Storage;

/// <summary>
/// A logical backup of a PostgreSQL catalog without pg_dump (which an application node may not
/// have, or have in another major version than the server): every catalog table of the connection's
/// schema streamed with <c>COPY … TO STDOUT (FORMAT binary)</c> inside one REPEATABLE READ
/// transaction, so all tables are one consistent snapshot while writers go on. A manifest lists the
/// tables parents-first (foreign keys) with their columns, so a restore into a catalog of a newer
/// build (columns added by later migrations) still lines up. <c>schema_migrations</c> is not copied:
/// the target gets the schema from its own migrations.
/// </summary>
public static class PostgresCatalogBackup
{
    public const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The tables that say a catalog is in use: a restore never writes over them.</summary>
    private static readonly string[] InUse = ["datasets", "runs", "principals"];

    private sealed record Manifest(int Format, int Migration, List<TableCopy> Tables);

    private sealed record TableCopy(string Name, List<string> Columns, long Rows);

    /// <summary>Writes the catalog's tables into <paramref name="folder"/>; returns the number of tables.</summary>
    public static async Task<int> ExportAsync(string connectionString, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var migration = Convert.ToInt32(await ScalarAsync(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var tables = new List<TableCopy>();
        foreach (var table in await TablesParentsFirstAsync(conn, cancellationToken))
        {
            var columns = await ColumnsAsync(conn, table, cancellationToken);
            await using (var file = File.Create(Path.Combine(folder, table + ".copy")))
            await using (var copy = await conn.BeginRawBinaryCopyAsync($"COPY {Quote(table)} ({string.Join(", ", columns.Select(Quote))}) TO STDOUT (FORMAT binary)", cancellationToken))
            {
                await copy.CopyToAsync(file, cancellationToken);
            }
            var rows = Convert.ToInt64(await ScalarAsync(conn, $"SELECT COUNT(*) FROM {Quote(table)}", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            tables.Add(new TableCopy(table, columns, rows));
        }
        await tx.CommitAsync(cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(new Manifest(1, migration, tables), Json), cancellationToken);
        return tables.Count;
    }

    /// <summary>
    /// Loads a backup into the (migrated, unused) catalog of <paramref name="connectionString"/> in one
    /// transaction: all of it or nothing. Returns the number of rows loaded.
    /// </summary>
    public static async Task<long> ImportAsync(string connectionString, string folder, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(folder, ManifestFile);
        var manifest = JsonSerializer.Deserialize<Manifest>(await File.ReadAllTextAsync(manifestPath, cancellationToken), Json)
            ?? throw Invalid("RESTORE_NOT_A_BACKUP", "目录库备份的清单文件是空的", manifestPath, "用 datahub backup 重新备份");
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var migration = Convert.ToInt32(await ScalarAsync(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (migration < manifest.Migration)
            throw Invalid("RESTORE_CATALOG_TOO_OLD", $"备份来自较新的版本（目录库结构 {manifest.Migration}，本程序 {migration}）", manifestPath, "用与备份时相同或更新的 datahub 恢复");
        var present = (await TablesParentsFirstAsync(conn, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var table in InUse.Where(present.Contains))
        {
            if (Convert.ToInt64(await ScalarAsync(conn, $"SELECT COUNT(*) FROM {Quote(table)}", cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
                throw Invalid("BACKUP_TARGET_NOT_EMPTY", $"目标目录库已有数据（表 {table}）", "--catalog-postgres", "恢复到一个新的 PostgreSQL 数据库或 schema（连接字符串的 Search Path），以免覆盖已有目录");
        }
        // What the target's own start-up seeded (reference data, counters) gives way to the backup's rows.
        foreach (var table in Enumerable.Reverse(manifest.Tables).Where(t => present.Contains(t.Name)))
            await ExecAsync(conn, $"DELETE FROM {Quote(table.Name)}", cancellationToken);
        long loaded = 0;
        foreach (var table in manifest.Tables)
        {
            if (!present.Contains(table.Name))
                throw Invalid("RESTORE_CATALOG_MISMATCH", $"目标目录库没有表 {table.Name}", manifestPath, "用与备份时相同或更新的 datahub 恢复");
            await using (var file = File.OpenRead(Path.Combine(folder, table.Name + ".copy")))
            await using (var copy = await conn.BeginRawBinaryCopyAsync($"COPY {Quote(table.Name)} ({string.Join(", ", table.Columns.Select(Quote))}) FROM STDIN (FORMAT binary)", cancellationToken))
            {
                await file.CopyToAsync(copy, cancellationToken);
            }
            loaded += table.Rows;
        }
        await tx.CommitAsync(cancellationToken);
        return loaded;
    }

    /// <summary>True when <paramref name="folder"/> holds a catalog exported by <see cref="ExportAsync"/>.</summary>
    public static bool IsBackup(string folder) => File.Exists(Path.Combine(folder, ManifestFile));

    /// <summary>The catalog tables of the connection's schema, each after the tables its foreign keys point to.</summary>
    private static async Task<List<string>> TablesParentsFirstAsync(NpgsqlConnection conn, CancellationToken cancellationToken)
    {
        var tables = await ListAsync(conn, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name", cancellationToken);
        var parents = tables.ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("""
            SELECT child.relname, parent.relname FROM pg_constraint c
            JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE c.contype = 'f' AND n.nspname = current_schema()
            """, conn))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (child, parent) = (reader.GetString(0), reader.GetString(1));
                if (child != parent && parents.TryGetValue(child, out var set)) set.Add(parent);
            }
        }
        var ordered = new List<string>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (ordered.Count < tables.Count)
        {
            var next = tables.Where(t => !placed.Contains(t) && parents[t].All(p => placed.Contains(p) || !parents.ContainsKey(p))).ToList();
            if (next.Count == 0) next = tables.Where(t => !placed.Contains(t)).Take(1).ToList(); // a cycle: never in this schema
            foreach (var t in next)
            {
                ordered.Add(t);
                placed.Add(t);
            }
        }
        return ordered;
    }

    private static Task<List<string>> ColumnsAsync(NpgsqlConnection conn, string table, CancellationToken cancellationToken) =>
        ListAsync(conn, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t ORDER BY ordinal_position", cancellationToken, table);

    private static async Task<List<string>> ListAsync(NpgsqlConnection conn, string sql, CancellationToken cancellationToken, string? table = null)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        if (table is not null) cmd.Parameters.AddWithValue("t", table);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) list.Add(reader.GetString(0));
        return list;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection conn, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static DataHubException Invalid(string code, string message, string where, string fix) => new(FailureKind.Config, code, message, where, fix);
}
