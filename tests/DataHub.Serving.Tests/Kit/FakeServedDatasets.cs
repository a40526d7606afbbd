namespace DataHub.Serving.Tests.Kit;

/// <summary>An in-memory catalog: the newest published version of each dataset is current; older ones stay until removed.</summary>
public sealed class FakeServedDatasets : IServedDatasets
{
    private readonly Lock gate = new();
    private readonly List<ServedDataset> versions = [];

    public void Publish(ServedDataset dataset)
    {
        lock (gate) versions.Add(dataset);
    }

    public void Remove(string datasetName, long version)
    {
        lock (gate) versions.RemoveAll(d => d.Schema.Name == datasetName && d.Version == version);
    }

    public IReadOnlyList<ServedDataset> Current()
    {
        lock (gate)
        {
            return versions.GroupBy(d => d.Schema.Name).Select(g => g.MaxBy(d => d.Version)!).ToArray();
        }
    }

    public ServedDataset? Find(string datasetName, long? version)
    {
        lock (gate)
        {
            var candidates = versions.Where(d => d.Schema.Name == datasetName);
            return version is { } v ? candidates.FirstOrDefault(d => d.Version == v) : candidates.MaxBy(d => d.Version);
        }
    }
}
