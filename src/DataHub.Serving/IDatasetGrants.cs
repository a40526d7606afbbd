using DataHub.Core.Access;

namespace DataHub.Serving;

/// <summary>
/// Which datasets a principal may open, and how much of each: the open list as the serving layer
/// sees it; implemented by the host from the catalog. A dataset for which <see cref="For"/>
/// answers null does not exist for that principal: it is absent from the service document and
/// <c>$metadata</c> and its URL answers the same 404 as an unknown dataset, so its existence does
/// not leak. Called on every request: answer from memory, and reflect a change of the ledger
/// (revoke, expiry, disable) at once.
/// </summary>
public interface IDatasetGrants
{
    /// <summary>What <paramref name="principal"/> may open of <paramref name="datasetName"/>, or null for nothing.</summary>
    DatasetGrant? For(Principal principal, string datasetName);
}

/// <summary>What a grant opens of one dataset to one principal, on top of the role's access policy.</summary>
/// <param name="Fields">Field names opened (the key always stays), or null for every field the role may see.</param>
/// <param name="AggregateOnly">
/// Only aggregations may be answered, never rows. Until the serving layer answers <c>$apply</c>,
/// such a dataset is listed in the service document and <c>$metadata</c> but every read of its
/// entity set (rows, <c>$count</c>, key lookups) is refused with 403 <c>AGGREGATE_ONLY</c>.
/// </param>
public sealed record DatasetGrant(IReadOnlySet<string>? Fields, bool AggregateOnly)
{
    /// <summary>Everything the role's policy allows: what a steward of the district gets.</summary>
    public static readonly DatasetGrant Full = new(null, false);

    /// <summary>Every dataset in full to every principal: the behaviour before the open list (tests of the policy alone).</summary>
    public static readonly IDatasetGrants Everything = new EverythingGranted();

    /// <summary>A stable text of the field subset, for cache keys.</summary>
    internal string Signature => (AggregateOnly ? "agg:" : "rows:") + (Fields is null ? "*" : string.Join(",", Fields.Order(StringComparer.Ordinal)));

    private sealed class EverythingGranted : IDatasetGrants
    {
        public DatasetGrant For(Principal principal, string datasetName) => Full;
    }
}
