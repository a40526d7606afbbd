using DataHub.Core.Access;
using DataHub.Core.Standards;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Model;
using DataHub.Serving.Query;

namespace DataHub.Serving.Feed;

/// <summary>What every endpoint works with: the catalog, the policy, cached models, DuckDB and the options.</summary>
internal sealed class FeedContext(IServedDatasets datasets, IDatasetGrants grants, AccessPolicy policy, DuckDbEngine engine, ServingOptions options)
{
    public IServedDatasets Datasets { get; } = datasets;

    public IDatasetGrants Grants { get; } = grants;

    public AccessPolicy Policy { get; } = policy;

    public DuckDbEngine Engine { get; } = engine;

    public ServingOptions Options { get; } = options;

    public ModelCache Models { get; } = new(policy);

    public SkipTokenCodec Tokens { get; } = new(options.Secret);

    public AdmissionGate Gate { get; } = new(options.MaxConcurrentRequests);

    public ContextUrls ContextUrls { get; } = new();

    /// <summary>
    /// The current datasets <paramref name="principal"/> may open, each with its grant (403 when its
    /// scope is unacceptable for its role). A dataset the open list does not grant is not listed.
    /// </summary>
    public IReadOnlyList<(ServedDataset Dataset, DatasetGrant Grant)> Visible(Principal principal)
    {
        var level = RowScope.CheckPrincipal(principal, Policy.For(principal.Role));
        var districtWide = (int)level <= (int)DivisionLevel.District;
        var visible = new List<(ServedDataset, DatasetGrant)>();
        foreach (var d in Datasets.Current())
        {
            if (d.Schema.ScopeField is null && !districtWide) continue;
            if (Grants.For(principal, d.Schema.Name) is { } grant) visible.Add((d, grant));
        }
        return visible;
    }

    /// <summary>The current dataset behind an entity set with the principal's grant, or null when it is unknown or not granted (the same answer).</summary>
    public (ServedDataset Dataset, DatasetGrant Grant)? FindGranted(Principal principal, string? entitySet)
    {
        var current = Datasets.Current().FirstOrDefault(d => d.Schema.EntitySetName == entitySet);
        return current is not null && Grants.For(principal, current.Schema.Name) is { } grant ? (current, grant) : null;
    }
}
