using DataHub.Catalog.Datasets;

namespace DataHub.Pipelines.Ingestion;

public sealed partial class IngestionRunner
{
    /// <summary>
    /// Republishes the freshness dataset from <paramref name="rows"/> when they changed, under its
    /// dataset lock (another node publishing it at the same moment makes this one wait for the next
    /// check, not clobber its folder). Returns the version published, or null.
    /// </summary>
    public async Task<long?> PublishFreshnessAsync(IReadOnlyList<DatasetFreshness> rows, CancellationToken cancellationToken)
    {
        FileStream datasetLock;
        try
        {
            datasetLock = AcquireLock(FreshnessDataset.Name, "数据新鲜度");
        }
        catch (DataHub.Core.Failures.DataHubException e) when (e.IsTransient)
        {
            return null;
        }
        using (datasetLock)
        {
            var version = await FreshnessDataset.PublishIfChangedAsync(_catalog, _lake, _hasher, rows, _time.GetUtcNow(), cancellationToken);
            if (version is not null) await ApplyRetentionAsync(FreshnessDataset.Name, cancellationToken);
            return version;
        }
    }
}
