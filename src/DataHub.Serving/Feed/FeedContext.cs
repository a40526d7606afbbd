using DataHub.Core.Access;
using DataHub.Core.Standards;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Model;
using DataHub.Serving.Query;

namespace DataHub.Serving.Feed;

/// <summary>What every endpoint works with: the catalog, the policy, cached models, DuckDB and the options.</summary>
internal sealed class FeedContext(IServedDatasets datasets, AccessPolicy policy, DuckDbEngine engine, ServingOptions options)
{
    public IServedDatasets Datasets { get; } = datasets;

    public AccessPolicy Policy { get; } = policy;

    public DuckDbEngine Engine { get; } = engine;

    public ServingOptions Options { get; } = options;

    public ModelCache Models { get; } = new(policy);

    public SkipTokenCodec Tokens { get; } = new(options.Secret);

    public AdmissionGate Gate { get; } = new(options.MaxConcurrentRequests);

    public ContextUrls ContextUrls { get; } = new();

    /// <summary>The current datasets <paramref name="principal"/> may open (403 when its scope is unacceptable for its role).</summary>
    public IReadOnlyList<ServedDataset> Visible(Principal principal)
    {
        var level = RowScope.CheckPrincipal(principal, Policy.For(principal.Role));
        var districtWide = (int)level <= (int)DivisionLevel.District;
        return Datasets.Current().Where(d => d.Schema.ScopeField is not null || districtWide).ToArray();
    }
}
