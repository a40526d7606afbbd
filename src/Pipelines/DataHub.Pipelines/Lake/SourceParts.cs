using DataHub.Catalog;
using DataHub.Catalog.Datasets;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// A source's part of a dataset: the rows that source owns in the current version, one Parquet file
/// (<see cref="LakeLayout.PartFileName"/>) in the version folder. A publish replaces only its own
/// source's part and carries every other part over, so the version is the union of each source's
/// latest part. Incremental connectors merge their delta into <see cref="CurrentPartAsync"/>.
/// </summary>
public static class SourceParts
{
    /// <summary>
    /// The Parquet file holding <paramref name="sourceId"/>'s rows in the current version of
    /// <paramref name="dataset"/>, or null when the dataset has no current version or the source has
    /// no part in it (its first run). The file is immutable: read it, never write it.
    /// </summary>
    public static async Task<string?> CurrentPartAsync(this DataHubCatalog catalog, LakeLayout lake, string dataset, string sourceId, CancellationToken cancellationToken)
    {
        var entry = await catalog.Datasets.GetAsync(dataset, cancellationToken);
        if (entry?.CurrentVersion is not { } current) return null;
        var version = await catalog.Datasets.GetVersionAsync(dataset, current, cancellationToken);
        if (version is null) return null;
        foreach (var (file, source) in await PartsAsync(catalog, version, cancellationToken))
        {
            if (source == sourceId) return Path.Combine(version.Directory, file);
        }
        return null;
    }

    /// <summary>The parts of a published version: file name and owning source.</summary>
    public static async Task<IReadOnlyList<(string File, string Source)>> PartsAsync(DataHubCatalog catalog, DatasetVersion version, CancellationToken cancellationToken)
    {
        var parts = new List<(string, string)>();
        foreach (var file in version.Files)
        {
            if (LakeLayout.SourceOfPart(file) is { } source) parts.Add((file, source));
            else if (file == LakeLayout.LegacyPartFile && await catalog.Runs.GetAsync(version.RunId, cancellationToken) is { } run)
                parts.Add((file, run.SourceId)); // written before parts existed: the one file is the publishing source's
        }
        return parts;
    }
}
