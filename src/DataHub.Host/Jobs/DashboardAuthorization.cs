using DataHub.Core.Access;
using DataHub.Host.Web.Auth;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;

namespace DataHub.Host.Jobs;

/// <summary>
/// The dashboard goes through the one DataHub authentication scheme (Basic, API key or the UI
/// cookie): stewards get the full dashboard, operators a read-only one (no trigger, delete or
/// retry), everyone else is refused (401 without credentials, 403 with the wrong role).
/// </summary>
internal sealed class DashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var result = await http.AuthenticateAsync(DataHubClaims.Scheme);
        if (!result.Succeeded) return false;
        http.User = result.Principal;
        return DataHubClaims.FromClaims(result.Principal)?.Role is Role.Steward or Role.Operator;
    }

    public static bool IsReadOnly(DashboardContext context) =>
        DataHubClaims.FromClaims(context.GetHttpContext().User)?.Role != Role.Steward;
}
