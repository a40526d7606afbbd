using DataHub.Catalog;
using DataHub.Catalog.Changes;
using DataHub.Catalog.OpenList;
using DataHub.Core.Access;
using DataHub.Serving;

namespace DataHub.Host.Web;

/// <summary>
/// The open list as the serving layer asks it, answered from memory: a snapshot of the ledger,
/// rebuilt when the catalog's <see cref="ChangeKind.Grants"/> counter moves. A change made in this
/// process (UI, API) bumps the counter on commit, so the next request sees it; a change made by
/// another process (a CLI verb) is seen when <see cref="ChangeSignal.PollAsync"/> runs (every two
/// seconds, in <see cref="ServedDatasetsRefresher"/>). Expiry needs no rebuild: validity dates are
/// compared with the clock on every decision.
/// </summary>
internal sealed class CatalogDatasetGrants(DataHubCatalog catalog, TimeProvider time) : IDatasetGrants
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private Snapshot? _snapshot;

    private sealed record Snapshot(long Version, IReadOnlyList<Grant> Grants);

    /// <summary>Reloads the ledger if it changed since the snapshot; call before handing a request to the serving layer.</summary>
    public async Task EnsureFreshAsync(CancellationToken cancellationToken)
    {
        var version = catalog.Signal.Version(ChangeKind.Grants);
        if (_snapshot?.Version == version) return;
        await _reload.WaitAsync(cancellationToken);
        try
        {
            version = catalog.Signal.Version(ChangeKind.Grants);
            if (_snapshot?.Version == version) return;
            var grants = (await catalog.OpenList.ListAsync(cancellationToken)).Where(g => g.Status == GrantStatus.Active).ToList();
            _snapshot = new Snapshot(version, grants);
        }
        finally
        {
            _reload.Release();
        }
    }

    public DatasetGrant? For(Principal principal, string datasetName)
    {
        // A catalog dataset open to everyone signed in: its rows are those of the datasets granted to the caller.
        if (datasetName == DataHub.Pipelines.Ingestion.FreshnessDataset.Name) return DatasetGrant.Full;
        var snapshot = _snapshot;
        if (snapshot is null || snapshot.Version != catalog.Signal.Version(ChangeKind.Grants))
        {
            // Only when a caller skipped EnsureFreshAsync: refuse to answer from a stale ledger.
            EnsureFreshAsync(CancellationToken.None).GetAwaiter().GetResult();
            snapshot = _snapshot!;
        }
        return OpenListAccess.Decide(snapshot.Grants, principal, datasetName, time.GetUtcNow()) is { } d
            ? new DatasetGrant(d.Fields, d.AggregateOnly)
            : null;
    }
}
