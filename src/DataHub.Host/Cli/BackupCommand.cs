using DataHub.Catalog.Storage;
using DataHub.Core.Failures;
using DataHub.Host.Composition;
using Microsoft.Data.Sqlite;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub backup --data DIR --to BACKUP</c> and <c>datahub restore --from BACKUP --data NEWDIR</c>.
/// Backup runs while <c>serve</c> runs: the SQLite catalog (and Hangfire's jobs.db) first, through
/// SQLite's online backup API (a consistent snapshot even with WAL and writers), then the rest of the
/// folder (lake, raw zone, secrets, sources, settings), leaving out what is scratch: staging folders,
/// the runs' DuckDB databases and plaintext CSVs, lock files, logs, the serving cache. Lake files are immutable, so a
/// version published after the catalog snapshot is only an uncommitted folder, which start-up
/// recovery removes after a restore. A PostgreSQL catalog (<c>--catalog-postgres</c>) is exported
/// table by table in one consistent snapshot into <c>catalog-postgres/</c> of the backup (no pg_dump
/// needed), and restored into a new, empty database or schema. Restore copies a backup into a new or
/// empty data folder.
/// </summary>
internal static class BackupCommand
{
    private static readonly string[] Databases = ["catalog.db", "jobs.db"];

    /// <summary>Where a backup keeps the logical export of a PostgreSQL catalog (<see cref="PostgresCatalogBackup"/>).</summary>
    private const string PostgresFolder = "catalog-postgres";

    public static async Task<int> BackupAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var to = Path.GetFullPath(CliSupport.Required(args, "to", "备份目录"));
        var data = target.Data;
        if (!Directory.Exists(data.Root)) throw new DataHubException(FailureKind.Config, "BACKUP_NO_DATA", "数据目录不存在", data.Root, "用 --data 指定 serve 使用的数据目录");
        EnsureEmpty(to, "--to");
        Directory.CreateDirectory(to);
        var databases = 0;
        foreach (var name in Databases)
        {
            var source = Path.Combine(data.Root, name);
            if (!File.Exists(source)) continue;
            await Task.Run(() => OnlineBackup(source, Path.Combine(to, name)), cancellationToken);
            databases++;
        }
        // The PostgreSQL catalog before the lake, like the SQLite one: versions published after its
        // snapshot are uncommitted folders in the backup, which start-up recovery removes.
        var postgresTables = target.EffectiveCatalogPostgres is { } postgres
            ? await PostgresCatalogBackup.ExportAsync(postgres, Path.Combine(to, PostgresFolder), cancellationToken)
            : 0;
        var files = CopyTree(data.Root, to, Skip, cancellationToken);
        await stdout.WriteLineAsync(postgresTables > 0
            ? $"已备份到 {to}：PostgreSQL 目录库 {postgresTables} 张表（一致快照），{databases} 个 SQLite 数据库（在线快照），{files} 个文件（数据湖、原始区、密钥、数据源定义、配置）。"
            : $"已备份到 {to}：{databases} 个 SQLite 数据库（在线快照），{files} 个文件（数据湖、原始区、密钥、数据源定义、配置）。");
        await stdout.WriteLineAsync("备份含密钥（secrets/）和原始数据，请存放在只有运维可读的位置。");
        return CommandLine.Ok;
    }

    public static async Task<int> RestoreAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var from = Path.GetFullPath(CliSupport.Required(args, "from", "备份目录"));
        var data = new DataDirectory(CliSupport.Required(args, "data", "要恢复到的新数据目录"));
        var target = EngineTarget.From(args);
        var postgresBackup = Path.Combine(from, PostgresFolder);
        var hasPostgres = PostgresCatalogBackup.IsBackup(postgresBackup);
        if (!File.Exists(Path.Combine(from, "catalog.db")) && !hasPostgres && !Directory.Exists(Path.Combine(from, "lake")))
            throw new DataHubException(FailureKind.Config, "RESTORE_NOT_A_BACKUP", "这不是 datahub backup 生成的备份目录", from, "用 --from 指定备份目录（其中有 catalog.db 或 catalog-postgres/，和 lake/）");
        if (hasPostgres && target.EffectiveCatalogPostgres is null)
            throw new DataHubException(FailureKind.Config, "RESTORE_NEEDS_POSTGRES", "备份中的目录库来自 PostgreSQL", from,
                "用 --catalog-postgres（或配置 Catalog:Postgres）指定一个新的、空的 PostgreSQL 数据库或 schema 来恢复目录库");
        if (!hasPostgres && target.EffectiveCatalogPostgres is not null)
            throw new DataHubException(FailureKind.Config, "RESTORE_NOT_POSTGRES", "备份中的目录库是 SQLite 文件（catalog.db），不是 PostgreSQL 的", from,
                "去掉 --catalog-postgres（和 DATAHUB_CATALOG_POSTGRES、Catalog:Postgres），目录库随数据目录恢复");
        EnsureEmpty(data.Root, "--data");
        var files = CopyTree(from, data.Root, relative => relative.StartsWith(PostgresFolder + "/", StringComparison.Ordinal), cancellationToken);
        if (hasPostgres)
        {
            // The target's schema from this build's migrations, then the backup's rows in one transaction.
            await DataHub.Catalog.DataHubCatalog.OpenPostgresAsync(target.EffectiveCatalogPostgres!, TimeProvider.System, cancellationToken);
            var rows = await PostgresCatalogBackup.ImportAsync(target.EffectiveCatalogPostgres!, postgresBackup, cancellationToken);
            await stdout.WriteLineAsync($"已把目录库恢复到 PostgreSQL（{rows} 行）。");
        }
        var option = hasPostgres ? " --catalog-postgres …" : "";
        await stdout.WriteLineAsync($"已把 {from} 恢复到 {data.Root}（{files} 个文件）。用 datahub serve --data {data.Root}{option} 启动；启动时会清理备份之后未提交的版本文件夹。");
        return CommandLine.Ok;
    }

    /// <summary>SQLite's online backup: pages copied under SQLite's own locking, so concurrent writers never tear the copy.</summary>
    private static void OnlineBackup(string source, string destination)
    {
        using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Pooling = false }.ToString());
        using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString());
        from.Open();
        to.Open();
        from.BackupDatabase(to);
    }

    /// <summary>What a backup leaves out (paths relative to the data folder, '/' separated).</summary>
    private static bool Skip(string relative)
    {
        var name = relative[(relative.LastIndexOf('/') + 1)..];
        if (!relative.Contains('/', StringComparison.Ordinal) && Databases.Any(d => name.StartsWith(d, StringComparison.Ordinal))) return true; // taken by the online backup (with -wal, -shm)
        if (relative.StartsWith("logs/", StringComparison.Ordinal)) return true;
        // cache/: sorted copies of versions, rebuilt on demand (and locked by the node that reads them).
        if (relative.StartsWith("cache/", StringComparison.Ordinal)) return true;
        // journal.lock: the running host's lock on its audit journal (the journal's segments are kept: restore replays them).
        if (name == ".lock" || name == "journal.lock" || name.StartsWith("stage.duckdb", StringComparison.Ordinal) || name == "accepted.csv") return true;
        return relative.Split('/').Any(part => part.StartsWith(".staging-", StringComparison.Ordinal));
    }

    private static int CopyTree(string from, string to, Func<string, bool> skip, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(from, file).Replace(Path.DirectorySeparatorChar, '/');
            if (skip(relative)) continue;
            var destination = Path.Combine(to, relative);
            if (File.Exists(destination)) continue; // the SQLite snapshot written before
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            try
            {
                File.Copy(file, destination);
                count++;
            }
            catch (FileNotFoundException)
            {
                // Removed while copying (a retired version, a finished run's scratch): not part of the snapshot.
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
        return count;
    }

    private static void EnsureEmpty(string folder, string option)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new DataHubException(FailureKind.Config, "BACKUP_TARGET_NOT_EMPTY", "目标目录不是空的", folder, $"{option} 请指定一个新的或空的目录，以免覆盖已有数据");
    }
}
