using System.Globalization;
using System.Text;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// Where things live in the lake folder:
/// <code>
/// {root}/{dataset}/v{N}/part-{source}.parquet  published versions: one part per source (immutable once published)
/// {root}/{dataset}/.staging-{run}/           a version being written (never served)
/// {root}/{dataset}/.held-{run}/              a held run's version, waiting for approve/reject (never served)
/// {root}/_runs/{run}/quarantine.parquet       rejected rows with reasons and original values
/// {root}/_runs/{run}/field_issues.parquet     values set to null by a field rule, with the original and the reason
/// {root}/_runs/{run}/duplicates.parquet       rows dropped as duplicates, with the row kept
/// {root}/_runs/{run}/stage.duckdb              the run's scratch database (deleted at the end)
/// {root}/_runs/{run}/.staging-accepted/       the accepted rows, one Parquet file per batch (scratch, deleted at the end)
/// </code>
/// A version is the union of every source's latest part: a publish writes its own source's part and
/// carries the other sources' parts over from the current version unchanged (docs/PUBLISHING.md).
/// </summary>
public sealed class LakeLayout(string root)
{
    /// <summary>The file name of a version written before parts existed (one source, one file).</summary>
    public const string LegacyPartFile = "part-0.parquet";

    public string Root { get; } = Path.GetFullPath(root);

    public string DatasetDirectory(string dataset) => Path.Combine(Root, dataset);

    public string VersionDirectory(string dataset, long version) =>
        Path.Combine(DatasetDirectory(dataset), "v" + version.ToString(CultureInfo.InvariantCulture));

    public string StagingDirectory(string dataset, string runId) => Path.Combine(DatasetDirectory(dataset), ".staging-" + runId);

    public string HeldDirectory(string dataset, string runId) => Path.Combine(DatasetDirectory(dataset), ".held-" + runId);

    public string RunDirectory(string runId) => Path.Combine(Root, "_runs", runId);

    public string LockFile(string dataset) => Path.Combine(DatasetDirectory(dataset), ".lock");

    /// <summary>
    /// The file name of a source's part inside a version folder: <c>part-{source}.parquet</c>, the
    /// source id with anything but ASCII letters, digits, '-' and '_' replaced (ids are file-safe
    /// already in practice; this keeps a stray character from escaping the folder).
    /// </summary>
    public static string PartFileName(string sourceId)
    {
        var sb = new StringBuilder("part-", sourceId.Length + 13);
        foreach (var c in sourceId) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return sb.Append(".parquet").ToString();
    }

    /// <summary>The source id a part file name was made from (null for the legacy single file).</summary>
    public static string? SourceOfPart(string fileName) =>
        fileName.StartsWith("part-", StringComparison.Ordinal) && fileName.EndsWith(".parquet", StringComparison.Ordinal) && fileName != LegacyPartFile
            ? fileName["part-".Length..^".parquet".Length]
            : null;

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
