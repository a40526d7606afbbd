using System.Globalization;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// Where things live in the lake folder:
/// <code>
/// {root}/{dataset}/v{N}/part-0.parquet    published versions (immutable once published)
/// {root}/{dataset}/.staging-{run}/       a version being written (never served)
/// {root}/_runs/{run}/quarantine.parquet   rejected rows with reasons and original values
/// {root}/_runs/{run}/duplicates.parquet   rows dropped as duplicates, with the row kept
/// {root}/_runs/{run}/stage.duckdb          the run's scratch database (deleted at the end)
/// </code>
/// </summary>
public sealed class LakeLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string DatasetDirectory(string dataset) => Path.Combine(Root, dataset);

    public string VersionDirectory(string dataset, long version) =>
        Path.Combine(DatasetDirectory(dataset), "v" + version.ToString(CultureInfo.InvariantCulture));

    public string StagingDirectory(string dataset, string runId) => Path.Combine(DatasetDirectory(dataset), ".staging-" + runId);

    public string RunDirectory(string runId) => Path.Combine(Root, "_runs", runId);

    public string LockFile(string dataset) => Path.Combine(DatasetDirectory(dataset), ".lock");

    /// <summary>Version numbers of the version folders on disk (published or orphaned by a crash).</summary>
    public IEnumerable<long> VersionsOnDisk(string dataset)
    {
        var dir = DatasetDirectory(dataset);
        if (!Directory.Exists(dir)) yield break;
        foreach (var d in Directory.EnumerateDirectories(dir, "v*"))
        {
            if (long.TryParse(Path.GetFileName(d).AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var v)) yield return v;
        }
    }
}
