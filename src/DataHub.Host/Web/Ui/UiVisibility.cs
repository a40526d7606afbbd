using DataHub.Core.Access;
using DataHub.Serving;

namespace DataHub.Host.Web.Ui;

/// <summary>
/// Whether a dataset exists for a principal in the UI, and on what terms: the same in-memory open
/// list the feeds ask (<see cref="CatalogDatasetGrants"/>), so a dataset absent from a worker's feeds
/// is absent from its pages too. Stewards see their whole district.
/// </summary>
internal sealed class UiVisibility(CatalogDatasetGrants grants)
{
    public async Task<DatasetGrant?> GrantAsync(Principal principal, string dataset, CancellationToken cancellationToken)
    {
        await grants.EnsureFreshAsync(cancellationToken);
        return grants.For(principal, dataset);
    }

    public async Task<bool> CanSeeAsync(Principal principal, string dataset, CancellationToken cancellationToken) =>
        await GrantAsync(principal, dataset, cancellationToken) is not null;
}
