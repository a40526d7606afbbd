using DataHub.Serving.Access;
using DataHub.Serving.Engine;

namespace DataHub.Serving.Tests.Kit;

/// <summary>
/// A real lake in a temp directory (population in two Parquet files, housing, an unscoped summary),
/// a fake catalog over it, a real DuckDB engine and the service. One per test class (xUnit class
/// fixture); tests that publish versions build their own.
/// </summary>
public sealed class TestLake : IDisposable
{
    public const string Secret = "test-secret-0123456789abcdef0123456789";

    private readonly string root = Path.Combine(Path.GetTempPath(), "datahub-serving-" + Guid.NewGuid().ToString("N"));

    public TestLake()
        : this(null)
    {
    }

    /// <summary>A lake whose service runs with options changed by <paramref name="configure"/> (e.g. sorted copies for small versions).</summary>
    internal TestLake(Action<ServingOptions>? configure)
    {
        Directory.CreateDirectory(root);
        Population = SyntheticData.Population();
        Housing = SyntheticData.Housing();
        Datasets.Publish(WritePopulation(Population, 1));
        var housingFile = Path.Combine(root, "housing-v1.parquet");
        LakeWriter.Write(TestSchemas.Housing, Housing.Select(r => r.Values()), housingFile);
        Datasets.Publish(new ServedDataset(TestSchemas.Housing, 1, [housingFile], DateTimeOffset.UnixEpoch));
        var summaryFile = Path.Combine(root, "summary-v1.parquet");
        LakeWriter.Write(TestSchemas.Summary, SyntheticData.Summary().Select(r => r.Values()), summaryFile);
        Datasets.Publish(new ServedDataset(TestSchemas.Summary, 1, [summaryFile], DateTimeOffset.UnixEpoch));
        Options = new ServingOptions { Secret = Secret, MemoryLimit = "512MB", Threads = 2 };
        configure?.Invoke(Options);
        Engine = new DuckDbEngine(Options);
        Policy = AccessPolicy.LoadEmbedded();
        Service = new ODataFeedService(Datasets, Policy, Engine, Options);
        Client = new FeedClient(Service);
    }

    public List<PopulationRow> Population { get; }

    public List<HousingRow> Housing { get; }

    public FakeServedDatasets Datasets { get; } = new();

    public ServingOptions Options { get; }

    public DuckDbEngine Engine { get; }

    public AccessPolicy Policy { get; }

    public ODataFeedService Service { get; }

    public FeedClient Client { get; }

    /// <summary>Writes a population version: street A in one file, everything else in another (one version = several files).</summary>
    public ServedDataset WritePopulation(IReadOnlyList<PopulationRow> rows, long version)
    {
        var dir = Path.Combine(root, $"population-v{version}");
        Directory.CreateDirectory(dir);
        var first = Path.Combine(dir, "part-0.parquet");
        var second = Path.Combine(dir, "part-1.parquet");
        LakeWriter.Write(TestSchemas.Population, rows.Where(r => r.StreetCode == SyntheticData.StreetA).Select(r => r.Values()), first);
        LakeWriter.Write(TestSchemas.Population, rows.Where(r => r.StreetCode != SyntheticData.StreetA).Select(r => r.Values()), second);
        return new ServedDataset(TestSchemas.Population, version, [first, second], DateTimeOffset.UnixEpoch.AddDays(version));
    }

    public void Dispose()
    {
        Engine.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by DuckDB on some platforms: the temp dir is cleaned by the OS.
        }
    }
}
