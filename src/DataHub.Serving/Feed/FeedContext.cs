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

    /// <summary>Downloads admitted at once (each on a download worker of its own).</summary>
    public AdmissionGate DownloadGate { get; } = new(options.MaxConcurrentDownloads);

    public ContextUrls ContextUrls { get; } = new();

    /// <summary>Rows per scope code of recent versions: unfiltered counts without DuckDB.</summary>
    public ScopeCountCache ScopeCounts { get; } = new();

    /// <summary>
    /// The datasets <paramref name="principal"/> may open (current, or version <paramref name="version"/>
    /// of those that retain it), each with its grant (403 when the principal's scope is unacceptable for
    /// its role). A dataset the open list does not grant is not listed.
    /// </summary>
    public IReadOnlyList<(ServedDataset Dataset, DatasetGrant Grant)> Visible(Principal principal, long? version = null)
    {
        var level = RowScope.CheckPrincipal(principal, Policy.For(principal.Role));
        var districtWide = (int)level <= (int)DivisionLevel.District;
        var visible = new List<(ServedDataset, DatasetGrant)>();
        foreach (var d in Served(version))
        {
            if (d.Schema.ScopeField is null && d.Schema.DatasetField is null && !districtWide) continue;
            if (Grants.For(principal, d.Schema.Name) is { } grant) visible.Add((d, grant));
        }
        return visible;
    }

    /// <summary>The names of the current datasets <paramref name="principal"/> may open: the rows a catalog dataset shows it.</summary>
    public IReadOnlyList<string> GrantedNames(Principal principal) => Visible(principal).Select(v => v.Dataset.Schema.Name).ToArray();

    /// <summary>The dataset behind an entity set (current or pinned to <paramref name="version"/>) with the principal's grant, or null when it is unknown or not granted (the same answer).</summary>
    public (ServedDataset Dataset, DatasetGrant Grant)? FindGranted(Principal principal, string? entitySet, long? version = null)
    {
        var found = Served(version).FirstOrDefault(d => d.Schema.EntitySetName == entitySet);
        return found is not null && Grants.For(principal, found.Schema.Name) is { } grant ? (found, grant) : null;
    }

    /// <summary>The current datasets, or (for a version-pinned request) version <paramref name="version"/> of each dataset that retains it.</summary>
    public IReadOnlyList<ServedDataset> Served(long? version) => version is null
        ? Datasets.Current()
        : Datasets.Current().Select(d => Datasets.Find(d.Schema.Name, version)).OfType<ServedDataset>().ToArray();
}
