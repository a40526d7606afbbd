using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Tests.Kit;

namespace DataHub.Serving.Tests.Differential;

/// <summary>
/// The synthetic lake plus rows at the edges (largest and smallest values of every type, empty and
/// padded strings, mixed Latin and Chinese text, apostrophes, far dates), served by the real
/// service; and the same in-scope rows as the reference implementation's IQueryables.
/// </summary>
public sealed class DifferentialLake : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "datahub-differential-" + Guid.NewGuid().ToString("N"));

    public DifferentialLake()
        : this(sortedCopies: false)
    {
    }

    /// <param name="sortedCopies">Serve $orderby pages from sorted copies even though the versions are small.</param>
    internal DifferentialLake(bool sortedCopies)
    {
        SortedCopies = sortedCopies;
        Directory.CreateDirectory(root);
        var housing = SyntheticData.Housing().Concat(HousingEdges()).ToList();
        var population = SyntheticData.Population().Concat(PopulationEdges()).ToList();
        var housingFile = Path.Combine(root, "housing.parquet");
        var populationFile = Path.Combine(root, "population.parquet");
        LakeWriter.Write(TestSchemas.Housing, housing.Select(r => r.Values()), housingFile);
        LakeWriter.Write(TestSchemas.Population, population.Select(r => r.Values()), populationFile);
        Datasets.Publish(new ServedDataset(TestSchemas.Housing, 1, [housingFile], DateTimeOffset.UnixEpoch));
        Datasets.Publish(new ServedDataset(TestSchemas.Population, 1, [populationFile], DateTimeOffset.UnixEpoch));
        var options = new ServingOptions { Secret = TestLake.Secret, MemoryLimit = "512MB", Threads = 2, SortedCopyMinRows = sortedCopies ? 0 : 100_000 };
        Engine = new DuckDbEngine(options);
        Client = new FeedClient(new ODataFeedService(Datasets, AccessPolicy.LoadEmbedded(), Engine, options));
        // The steward's scope is the district: the reference holds exactly the district's rows.
        Housing = new ReferenceOData<HousingEntity>("Housing", housing.Where(Rows.InDistrict).Select(HousingEntity.From));
        Population = new ReferenceOData<PopulationEntity>("Population", population.Where(Rows.InDistrict).Select(PopulationEntity.From));
        HousingSpecs = Specs(housing.Where(Rows.InDistrict).Select(HousingEntity.From).ToList());
        PopulationSpecs = Specs(population.Where(Rows.InDistrict).Select(PopulationEntity.From).ToList());
    }

    public FakeServedDatasets Datasets { get; } = new();

    /// <summary>Whether $orderby pages are served from sorted copies (built before each query is compared).</summary>
    public bool SortedCopies { get; }

    public DuckDbEngine Engine { get; }

    public FeedClient Client { get; }

    public ReferenceOData<HousingEntity> Housing { get; }

    public ReferenceOData<PopulationEntity> Population { get; }

    public IReadOnlyList<PropertySpec> HousingSpecs { get; }

    public IReadOnlyList<PropertySpec> PopulationSpecs { get; }

    public void Dispose()
    {
        Engine.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private static List<PropertySpec> Specs<T>(List<T> rows)
    {
        var nullability = new System.Reflection.NullabilityInfoContext();
        return typeof(T).GetProperties().Select(p => new PropertySpec(
            p.Name,
            Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType,
            nullability.Create(p).ReadState == System.Reflection.NullabilityState.Nullable,
            rows.Select(r => p.GetValue(r)).OfType<object>().Distinct().Take(200).ToList())).ToList();
    }

    private static IEnumerable<HousingRow> HousingEdges()
    {
        var a1 = SyntheticData.CommunityA1;
        var b2 = SyntheticData.CommunityB2;
        yield return new HousingRow("H-EDGE-1", a1, 99999999.99m, 1_000_000, 9_000_000_000_000L, 1e15, true, new DateOnly(1, 1, 1),
            "", " 139 ", "Abc张", new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero));
        yield return new HousingRow("H-EDGE-2", a1, 0.01m, 0, 0L, 0d, false, new DateOnly(9999, 12, 31),
            " 张 三 ", "O'Neil", "abc张", new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.Zero));
        yield return new HousingRow("H-EDGE-3", b2, 20.00m, -1, -5L, -1d, null, null,
            "欧阳娜娜", null, null, new DateTimeOffset(2024, 5, 20, 0, 0, 0, TimeSpan.FromHours(8)));
    }

    private static IEnumerable<PopulationRow> PopulationEdges()
    {
        var a2 = SyntheticData.CommunityA2;
        yield return new PopulationRow("edge000000000001", "320113199001011234", "Ann 李", "女", null, new DateOnly(1900, 2, 28),
            "", "  南京市栖霞区 ", a2, "文枢社区", a2[..9], "境外", new DateOnly(2000, 2, 29), "在住", "", new DateTimeOffset(2024, 2, 29, 16, 0, 0, TimeSpan.Zero));
        yield return new PopulationRow("edge000000000002", "32011320000229123X", "O'Brien 王", "男", "汉族", new DateOnly(2000, 2, 29),
            "江苏省南京市栖霞区'仙林'", null, a2, "文枢社区", a2[..9], "流动", null, null, null, null);
    }
}
