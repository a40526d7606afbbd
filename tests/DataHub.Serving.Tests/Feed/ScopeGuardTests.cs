using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// The row scope holds by construction: a user filter that fails on some rows (here an Int64
/// overflow) is never evaluated on a row outside the caller's scope, whatever order DuckDB chooses
/// for the conjuncts. The only failing row lies outside the community worker's scope.
/// </summary>
public sealed class ScopeGuardTests : IDisposable
{
    private const string Overflowing = "Housing?$filter=" + "租住人数 mul 租住人数 mul 租住人数 gt 0";
    private readonly string root = Path.Combine(Path.GetTempPath(), "datahub-scopeguard-" + Guid.NewGuid().ToString("N"));
    private readonly DuckDbEngine engine;
    private readonly FeedClient client;

    public ScopeGuardTests()
    {
        Directory.CreateDirectory(root);
        // Many rows in one row group, communities interleaved (ordered by a hash of the key), so
        // row-group statistics cannot keep the failing row away: only the order of evaluation can.
        var rows = Enumerable.Range(0, 10)
            .SelectMany(copy => SyntheticData.Housing().Select(r => r with
            {
                HouseId = r.HouseId + "-" + copy.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ResidentCount = r.CommunityCode == SyntheticData.CommunityA1 ? 3 : 1,
            }))
            .ToList();
        // The one row whose value overflows when cubed: in community B2, outside A1's scope.
        var poison = rows.Last(r => r.CommunityCode == SyntheticData.CommunityB2);
        rows[rows.IndexOf(poison)] = poison with { ResidentCount = 4_000_000_000_000L };
        var file = Path.Combine(root, "housing.parquet");
        LakeWriter.Write(TestSchemas.Housing, rows.Select(r => r.Values()), file, rowGroupSize: 1_000_000, orderBy: "hash(\"house_id\")");
        var datasets = new FakeServedDatasets();
        datasets.Publish(new ServedDataset(TestSchemas.Housing, 1, [file], DateTimeOffset.UnixEpoch));
        var options = new ServingOptions { Secret = TestLake.Secret, MemoryLimit = "256MB", Threads = 2, QueryWorkers = 1 };
        engine = new DuckDbEngine(options);
        client = new FeedClient(new ODataFeedService(datasets, AccessPolicy.LoadEmbedded(), engine, options));
        InScope = rows.Count(r => r.CommunityCode == SyntheticData.CommunityA1);
    }

    private int InScope { get; }

    [Fact]
    public async Task FailingFilter_OnlyFailingRowOutOfScope_CommunityWorkerGetsItsRows()
    {
        var page = await client.GetAsync(Principals.CommunityWorkerA1, Overflowing + "&$count=true");

        Assert.Equal(200, page.Status);
        Assert.Equal(InScope, page.Count());
        Assert.Equal(Math.Min(InScope, 5000), page.Rows().Count);
    }

    [Fact]
    public async Task FailingFilter_CountAndLaterPages_AlsoGuarded()
    {
        var count = await client.GetAsync(Principals.CommunityWorkerA1, Overflowing.Replace("Housing?", "Housing/$count?", StringComparison.Ordinal));
        var pages = await client.GetAllPagesAsync(Principals.CommunityWorkerA1, Overflowing + "&$orderby=租住人数 mul 2 desc", prefer: "odata.maxpagesize=100");

        Assert.Equal(200, count.Status);
        Assert.Equal(InScope.ToString(System.Globalization.CultureInfo.InvariantCulture), count.Body);
        Assert.Equal(InScope, pages.Sum(p => p.Rows().Count));
    }

    [Fact]
    public async Task FailingFilter_ScopeHoldingTheFailingRow_Answers400WithoutValues()
    {
        // The same filter does fail where the row is in scope: the test above is not vacuous.
        var page = await client.GetAsync(Principals.Steward, Overflowing);

        Assert.Equal(400, page.Status);
        Assert.Equal("QUERY_EVALUATION_FAILED", page.ErrorCode());
        Assert.DoesNotContain("4000000000000", page.Body, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        engine.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }
}
