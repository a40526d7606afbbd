using System.Collections.Concurrent;
using DataHub.Core.Access;
using DataHub.Serving.Access;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Model;

/// <summary>The model a feed request is parsed and written against: one entity set, one dataset version, one role.</summary>
internal sealed record FeedModel(IEdmModel Model, IEdmEntitySet Set, DatasetView View, ServedDataset Dataset);

/// <summary>The model of the service document and <c>$metadata</c>: every dataset a principal may open.</summary>
/// <param name="ETag">A strong ETag of <paramref name="Csdl"/> (a hash of the bytes): equal for the same versions and role.</param>
internal sealed record ServiceModel(IEdmModel Model, IReadOnlyList<(IEdmEntitySet Set, ServedDataset Dataset)> Sets, byte[] Csdl, string ETag);

/// <summary>
/// Models cached per role and dataset version: Power Query fetches the service document and
/// <c>$metadata</c> on every refresh, so they must be cheap. A feed model holds only its own entity
/// set (same names as in the service model), so a page pinned to an older version is parsed against
/// that version's schema. The cache is small and simply cleared when it grows past its bound.
/// </summary>
internal sealed class ModelCache(AccessPolicy policy)
{
    private const int MaxEntries = 512;
    private readonly ConcurrentDictionary<string, Lazy<FeedModel?>> feeds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<ServiceModel>> services = new(StringComparer.Ordinal);

    /// <summary>The feed model, or null when <paramref name="role"/> may not see the dataset's key.</summary>
    public FeedModel? Feed(ServedDataset dataset, Role role, DatasetGrant grant)
    {
        Bound(feeds);
        var key = $"{role}|{dataset.Schema.Name}|{dataset.Schema.Version}|{dataset.Version}|{grant.Signature}";
        return feeds.GetOrAdd(key, _ => new Lazy<FeedModel?>(() =>
        {
            if (DatasetView.Build(dataset.Schema, role, policy, grant.Fields) is not { } built) return null;
            var view = grant.AggregateOnly ? built.AggregatesOnly() : built;
            var (model, sets) = EdmModelFactory.Build([view]);
            return new FeedModel(model, sets[0], view, dataset);
        })).Value;
    }

    /// <summary>The service model over <paramref name="datasets"/> (already filtered to those the principal may open).</summary>
    public ServiceModel Service(IReadOnlyList<(ServedDataset Dataset, DatasetGrant Grant)> datasets, Role role)
    {
        Bound(services);
        var ordered = datasets.OrderBy(d => d.Dataset.Schema.EntitySetName, StringComparer.Ordinal).ToArray();
        var key = $"{role}|" + string.Join(";", ordered.Select(d => $"{d.Dataset.Schema.Name}|{d.Dataset.Schema.Version}|{d.Dataset.Version}|{d.Grant.Signature}"));
        return services.GetOrAdd(key, _ => new Lazy<ServiceModel>(() =>
        {
            var served = ordered
                .Select(d => (d.Dataset, View: DatasetView.Build(d.Dataset.Schema, role, policy, d.Grant.Fields)))
                .Where(x => x.View is not null)
                .ToArray();
            var (model, sets) = EdmModelFactory.Build(served.Select(x => x.View!).ToArray());
            var csdl = EdmModelFactory.WriteCsdl(model);
            var etag = "\"" + System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(csdl).AsSpan(0, 16)) + "\"";
            return new ServiceModel(model, sets.Select((s, i) => ((IEdmEntitySet)s, served[i].Dataset)).ToArray(), csdl, etag);
        })).Value;
    }

    private static void Bound<T>(ConcurrentDictionary<string, T> cache)
    {
        if (cache.Count > MaxEntries) cache.Clear();
    }
}
