using System.Collections.Concurrent;
using DataHub.Catalog;
using DataHub.Core.Schema;
using DataHub.Serving;

namespace DataHub.Host.Web;

/// <summary>
/// The catalog's live versions as the serving layer needs them, answered from memory. A snapshot is
/// reloaded every couple of seconds (an <c>ingest</c> in another process publishes through the same
/// catalog) and at once after an in-process publish via <see cref="RefreshAsync"/>.
/// </summary>
internal sealed class CatalogServedDatasets(DataHubCatalog catalog) : IServedDatasets
{
    private readonly ConcurrentDictionary<(string Dataset, string Version), DatasetSchema> _schemas = new();
    private Snapshot _snapshot = new([], []);

    private sealed record Snapshot(IReadOnlyList<ServedDataset> Current, IReadOnlyList<ServedDataset> Live);

    public IReadOnlyList<ServedDataset> Current() => _snapshot.Current;

    public ServedDataset? Find(string datasetName, long? version)
    {
        var snap = _snapshot;
        return version is null
            ? snap.Current.FirstOrDefault(d => d.Schema.Name == datasetName)
            : snap.Live.FirstOrDefault(d => d.Schema.Name == datasetName && d.Version == version);
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var current = (await catalog.Datasets.CurrentVersionsAsync(cancellationToken)).Select(v => (v.Dataset, v.Version)).ToHashSet();
        var live = new List<ServedDataset>();
        foreach (var v in await catalog.Datasets.LiveVersionsAsync(cancellationToken))
        {
            var schema = await SchemaAsync(v.Dataset, v.SchemaVersion, cancellationToken);
            live.Add(new ServedDataset(schema, v.Version, v.Files.Select(f => Path.Combine(v.Directory, f)).ToList(), v.PublishedAt));
        }
        _snapshot = new Snapshot(live.Where(d => current.Contains((d.Schema.Name, d.Version))).ToList(), live);
    }

    private async Task<DatasetSchema> SchemaAsync(string dataset, string version, CancellationToken cancellationToken)
    {
        if (_schemas.TryGetValue((dataset, version), out var cached)) return cached;
        // Serve each version with the schema it was written with, not whatever the binary embeds now.
        var json = await catalog.Datasets.GetSchemaJsonAsync(dataset, version, cancellationToken)
            ?? throw new InvalidOperationException($"The catalog has no schema {dataset} {version}.");
        return _schemas[(dataset, version)] = SchemaLoader.Parse(json, $"catalog:{dataset}@{version}");
    }
}

/// <summary>Keeps <see cref="CatalogServedDatasets"/> fresh while the host runs.</summary>
internal sealed class ServedDatasetsRefresher(CatalogServedDatasets datasets, DataHubCatalog catalog, ILogger<ServedDatasetsRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await datasets.RefreshAsync(stoppingToken);
                // Principals and grants changed by another process (a CLI verb) bump the catalog's counters.
                await catalog.Signal.PollAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                WebLog.RefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
