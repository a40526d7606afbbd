using DataHub.Core.Failures;
using DataHub.Host.Composition;
using Microsoft.Data.Sqlite;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub backup --data DIR --to BACKUP</c> and <c>datahub restore --from BACKUP --data NEWDIR</c>.
/// Backup runs while <c>serve</c> runs: the SQLite catalog (and Hangfire's jobs.db) first, through
/// SQLite's online backup API (a consistent snapshot even with WAL and writers), then the rest of the
/// folder (lake, raw zone, secrets, sources, settings), leaving out what is scratch: staging folders,
/// the runs' DuckDB databases and plaintext CSVs, lock files, logs. Lake files are immutable, so a
/// version published after the catalog snapshot is only an uncommitted folder, which start-up
/// recovery removes after a restore. A PostgreSQL catalog is not in the folder: back it up with
/// pg_dump (docs/DEPLOY.md). Restore copies a backup into a new or empty data folder.
/// </summary>
internal static class BackupCommand
{
    private static readonly string[] Databases = ["catalog.db", "jobs.db"];

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
        var files = CopyTree(data.Root, to, Skip, cancellationToken);
        await stdout.WriteLineAsync($"已备份到 {to}：{databases} 个 SQLite 数据库（在线快照），{files} 个文件（数据湖、原始区、密钥、数据源定义、配置）。");
        if (target.EffectiveCatalogPostgres is not null)
            await stdout.WriteLineAsync("注意：目录库在 PostgreSQL 上，不在数据目录中，请先用 pg_dump 备份它（见 docs/DEPLOY.md）。");
        await stdout.WriteLineAsync("备份含密钥（secrets/）和原始数据，请存放在只有运维可读的位置。");
        return CommandLine.Ok;
    }

    public static async Task<int> RestoreAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var from = Path.GetFullPath(CliSupport.Required(args, "from", "备份目录"));
        var data = new DataDirectory(CliSupport.Required(args, "data", "要恢复到的新数据目录"));
        if (!File.Exists(Path.Combine(from, "catalog.db")) && !Directory.Exists(Path.Combine(from, "lake")))
            throw new DataHubException(FailureKind.Config, "RESTORE_NOT_A_BACKUP", "这不是 datahub backup 生成的备份目录", from, "用 --from 指定备份目录（其中有 catalog.db 和 lake/）");
        EnsureEmpty(data.Root, "--data");
        var files = CopyTree(from, data.Root, _ => false, cancellationToken);
        await stdout.WriteLineAsync($"已把 {from} 恢复到 {data.Root}（{files} 个文件）。用 datahub serve --data {data.Root} 启动；启动时会清理备份之后未提交的版本文件夹。");
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
        if (name == ".lock" || name.StartsWith("stage.duckdb", StringComparison.Ordinal) || name == "accepted.csv") return true;
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
