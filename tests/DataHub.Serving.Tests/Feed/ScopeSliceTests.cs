using DataHub.Core.Access;
using DataHub.Serving.Tests.Kit;
using DuckDB.NET.Data;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// Default-order pages read the version split per scope code (<c>ScopeSlices</c>) once its lake order
/// is checked: a community's, a street's and the district's pages must be exactly the rows, order and
/// masked values the lake's own files give, across keyset pages that cross community boundaries,
/// with <c>$filter</c>, <c>$skip</c> and <c>$top</c>; each slice holds one code's rows in key order.
/// </summary>
public sealed class ScopeSliceTests(SortedCopyLake fixture) : IClassFixture<SortedCopyLake>
{
    private TestLake Lake => fixture.Lake;

    private DataHub.Serving.Engine.SortedCopies Copies => Lake.Engine.SortedCopies;

    private async Task SlicedAsync(Principal principal)
    {
        await Lake.Client.GetAsync(principal, "Population?$top=1");
        await Copies.WhenIdle();
    }

    public static TheoryData<string, string, int> Scopes => new()
    {
        { "community-a1", "", 50 },
        { "street-a", "", 97 },
        { "steward", "", 97 },
        { "steward", "&$skip=650&$top=700", 120 },
        { "street-a", "&$filter=" + Uri.EscapeDataString("人员类型 eq '流动'"), 60 },
    };

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task DefaultOrder_FromTheSlices_MatchesLinqOrder(string who, string options, int pageSize)
    {
        var principal = who switch { "community-a1" => Principals.CommunityWorkerA1, "street-a" => Principals.StreetWorkerA, _ => Principals.Steward };
        var rows = Lake.Population.Where(r => r.CommunityCode.StartsWith(principal.ScopeCode!, StringComparison.Ordinal));
        if (options.Contains("filter", StringComparison.Ordinal)) rows = rows.Where(r => r.PersonType == "流动");
        var expected = Ordering.Sort(rows, r => r.RecordId, (r => r.CommunityCode, false)).Select(r => r.RecordId);
        if (options.Contains("skip", StringComparison.Ordinal)) expected = expected.Skip(650).Take(700);
        await SlicedAsync(principal);
        var hits = Copies.SliceHits;

        var pages = await Lake.Client.GetAllPagesAsync(principal, "Population?$select=记录编号,社区代码" + options, prefer: $"odata.maxpagesize={pageSize}");

        Assert.Equal(expected.ToList(), Rows.Keys(Rows.All(pages)));
        Assert.True(pages.Count > 3);
        Assert.Equal(hits + pages.Count, Copies.SliceHits);
    }

    [Fact]
    public async Task StreetWorker_PageFromTheSlices_EqualsThePageFromTheLake()
    {
        // Masks run in the projection whatever files are read: the same masked values as the lake's page.
        using var lake = new TestLake(o => o.SortedCopies = 0);
        const string query = "Population?$select=记录编号,公民身份号码,联系电话,姓名,社区代码&$skip=640&$top=200";
        var fromLake = await lake.Client.GetAsync(Principals.StreetWorkerA, query);
        await SlicedAsync(Principals.StreetWorkerA);
        var hits = Copies.SliceHits;

        var fromSlices = await Lake.Client.GetAsync(Principals.StreetWorkerA, query);

        Assert.Equal(hits + 1, Copies.SliceHits);
        Assert.Equal(fromLake.Rows().Select(r => r.GetRawText()), fromSlices.Rows().Select(r => r.GetRawText()));
        Assert.Contains(fromSlices.Rows(), r => Rows.Text(r, "社区代码") == SyntheticData.CommunityA1);
        Assert.Contains(fromSlices.Rows(), r => Rows.Text(r, "社区代码") == SyntheticData.CommunityA2);
        Assert.Contains(fromSlices.Rows(), r => Rows.Text(r, "公民身份号码")?.Contains('*', StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task EachSlice_HoldsOneCodesRowsInKeyOrder_AndTogetherEveryRowWithACode()
    {
        await SlicedAsync(Principals.Steward);
        var folders = Directory.GetDirectories(Copies.Folder, "slices-*");
        Assert.Single(folders);
        var files = Directory.GetFiles(folders[0], "*.parquet").Order(StringComparer.Ordinal).ToList();

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var codes = new List<string>();
        long rows = 0;
        foreach (var file in files)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT list(DISTINCT community_code), list(record_id ORDER BY file_row_number) = list(record_id ORDER BY record_id), count(*) FROM read_parquet('{file}', file_row_number=true)";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            var distinct = reader.GetFieldValue<List<string>>(0);
            Assert.Single(distinct);
            codes.Add(distinct[0]);
            Assert.True(reader.GetBoolean(1), $"{file} is not in key order");
            rows += reader.GetInt64(2);
        }

        Assert.Equal(SyntheticData.Communities.Select(c => c.Code).Order(StringComparer.Ordinal), codes.Order(StringComparer.Ordinal));
        Assert.Equal(Lake.Population.Count(r => r.CommunityCode is not null), rows);
    }
}
