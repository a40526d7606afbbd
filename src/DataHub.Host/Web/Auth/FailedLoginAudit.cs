using DataHub.Host.Composition;

namespace DataHub.Host.Web.Auth;

/// <summary>
/// Audits failed sign-ins (feeds, UI, dashboard alike) with the user name tried and the client
/// address, through the catalog's aggregated failed-login counters (one row per user name, address
/// and minute), so a flood of guesses cannot fill the disk. Attempts refused by the throttle count too.
/// </summary>
internal sealed class FailedLoginAudit(DataHubEngine engine, ILogger<FailedLoginAudit> logger)
{
    public async Task FailedAsync(string userName, string clientAddress)
    {
        try
        {
            // Written even when the caller hangs up: the attempt happened.
            await engine.Catalog.FailedLogins.RecordAsync(userName, clientAddress, CancellationToken.None);
        }
        catch (Exception e)
        {
            // A refused login stays refused; the missing count is an operator's problem, not the caller's.
            WebLog.FailedLoginNotRecorded(logger, e);
        }
    }
}
