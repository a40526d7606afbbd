using DataHub.Catalog;

namespace DataHub.Pipelines.Lake;

/// <summary>Version numbers of the lake, one rule for every writer (runs, quality, freshness, derived datasets).</summary>
public static class LakeVersions
{
    /// <summary>
    /// The next version of <paramref name="dataset"/>: past both the catalog's highest and any folder on
    /// disk, so a folder left by a run that died before its catalog commit is never reused.
    /// </summary>
    public static async Task<long> NextAsync(DataHubCatalog catalog, LakeLayout lake, string dataset, CancellationToken cancellationToken) =>
        Math.Max(await catalog.Datasets.MaxVersionAsync(dataset, cancellationToken), lake.VersionsOnDisk(dataset).DefaultIfEmpty().Max()) + 1;
}
