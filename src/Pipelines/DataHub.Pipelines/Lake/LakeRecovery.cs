using DataHub.Catalog;
using DataHub.Catalog.Runs;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// Cleans up after processes that died mid-run (SIGKILL, crash, power loss). Proof that a run's
/// process is gone is its dataset's lock: a live run holds the lock file open (an OS lock, which
/// works across nodes on a shared lake folder too), so whoever can take the lock knows nobody is
/// writing that dataset, and everything the lock guards is left over:
/// runs still marked running become failed with kind <c>interrupted</c>; staging folders go;
/// version folders the catalog does not know (moved into place, never committed) or has retired go.
/// Scratch files of runs that are no longer running (a staging database, the staging files of
/// accepted rows, and the staging CSV of older versions) go too. Never touches the folders of a dataset the catalog does not know.
/// </summary>
internal sealed class LakeRecovery(DataHubCatalog catalog, LakeLayout lake)
{
    private static readonly string[] ScratchFiles = ["stage.duckdb", "stage.duckdb.wal", "accepted.csv"];
    private static readonly string[] ScratchFolders = ["stage.duckdb.tmp", ".tmp", StagingFile.FolderName];

    public async Task<RecoveryReport> RecoverAllAsync(CancellationToken cancellationToken)
    {
        var interrupted = new List<string>();
        var removed = new List<string>();
        var busy = new List<string>();
        var datasets = (await catalog.Runs.RunningAsync(null, cancellationToken)).Select(r => r.Dataset).ToHashSet(StringComparer.Ordinal);
        if (Directory.Exists(lake.Root))
        {
            foreach (var dir in Directory.EnumerateDirectories(lake.Root))
            {
                var name = Path.GetFileName(dir);
                if (name != "_runs") datasets.Add(name);
            }
        }
        foreach (var dataset in datasets.Order(StringComparer.Ordinal))
        {
            using var held = TryLock(dataset);
            if (held is null)
            {
                busy.Add(dataset);
                continue;
            }
            await CleanDatasetAsync(dataset, interrupted, removed, cancellationToken);
        }
        await CleanFinishedRunScratchAsync(removed, cancellationToken);
        return new RecoveryReport(interrupted, removed, busy);
    }

    /// <summary>Cleans one dataset. The caller must hold the dataset's lock.</summary>
    public async Task CleanDatasetAsync(string dataset, List<string> interrupted, List<string> removed, CancellationToken cancellationToken)
    {
        foreach (var run in await catalog.Runs.RunningAsync(dataset, cancellationToken))
        {
            if (await catalog.Runs.MarkInterruptedAsync(run.Id, cancellationToken)) interrupted.Add(run.Id);
            DeleteScratch(lake.RunDirectory(run.Id), removed);
        }
        var dir = lake.DatasetDirectory(dataset);
        if (!Directory.Exists(dir)) return;
        foreach (var staging in Directory.EnumerateDirectories(dir, ".staging-*")) Delete(staging, removed);

        if (await catalog.Datasets.GetAsync(dataset, cancellationToken) is null) return; // not ours to judge
        var versions = (await catalog.Datasets.VersionsAsync(dataset, cancellationToken)).ToDictionary(v => v.Version);
        var newestKnown = versions.Keys.DefaultIfEmpty().Max();
        foreach (var onDisk in lake.VersionsOnDisk(dataset).ToList())
        {
            var orphan = versions.TryGetValue(onDisk, out var v) ? v.RetiredAt is not null : onDisk > newestKnown;
            if (orphan) Delete(lake.VersionDirectory(dataset, onDisk), removed);
        }
    }

    /// <summary>The dataset's lock, or null while another run (in any process on any node) holds it.</summary>
    public FileStream? TryLock(string dataset)
    {
        Directory.CreateDirectory(lake.DatasetDirectory(dataset));
        try
        {
            return new FileStream(lake.LockFile(dataset), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task CleanFinishedRunScratchAsync(List<string> removed, CancellationToken cancellationToken)
    {
        var runs = Path.Combine(lake.Root, "_runs");
        if (!Directory.Exists(runs)) return;
        foreach (var dir in Directory.EnumerateDirectories(runs))
        {
            var run = await catalog.Runs.GetAsync(Path.GetFileName(dir), cancellationToken);
            if (run is null || run.Status != RunStatus.Running) DeleteScratch(dir, removed);
        }
    }

    /// <summary>Removes a run's scratch (staging database, plaintext CSV, spill folder); keeps its quarantine and duplicate lists.</summary>
    public static void DeleteScratch(string runDirectory, List<string>? removed)
    {
        foreach (var f in ScratchFiles.Select(f => Path.Combine(runDirectory, f)).Where(File.Exists))
        {
            TryDelete(() => File.Delete(f), f, removed);
        }
        foreach (var d in ScratchFolders.Select(d => Path.Combine(runDirectory, d)).Where(Directory.Exists))
        {
            TryDelete(() => Directory.Delete(d, recursive: true), d, removed);
        }
    }

    public static void Delete(string directory, List<string>? removed)
    {
        if (Directory.Exists(directory)) TryDelete(() => Directory.Delete(directory, recursive: true), directory, removed);
    }

    private static void TryDelete(Action delete, string path, List<string>? removed)
    {
        try
        {
            delete();
            removed?.Add(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still in use (a reader on Windows) or not ours: the next start-up tries again.
        }
    }
}
