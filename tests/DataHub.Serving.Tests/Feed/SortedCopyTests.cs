using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>A lake whose service builds sorted copies even for its small versions, and keeps two.</summary>
public sealed class SortedCopyLake : IDisposable
{
    public TestLake Lake { get; } = new(o =>
    {
        o.SortedCopyMinRows = 0;
        o.SortedCopies = 2;
    });

    public void Dispose() => Lake.Dispose();
}

/// <summary>
/// <c>$orderby</c> pages read from a sorted copy of the version (rows taken in file order, no top-N)
/// must be exactly the pages the lake files give: the LINQ order across small keyset pages, the same
/// rows and masked values as before the copy existed, paging that starts before the copy is ready
/// and continues on it, <c>$filter</c>/<c>$top</c>/<c>$skip</c>, copies dropped beyond the limit.
/// </summary>
public sealed class SortedCopyTests(SortedCopyLake fixture) : IClassFixture<SortedCopyLake>
{
    private TestLake Lake => fixture.Lake;

    private DataHub.Serving.Engine.SortedCopies Copies => Lake.Engine.SortedCopies;

    public static TheoryData<string> PlainOrders => new(OrderByTests.PopulationOrders.Keys.Where(k => k.Length > 0 && !k.Contains('(', StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(PlainOrders))]
    public async Task OrderBy_EveryPageFromTheCopy_MatchesLinqOrder(string orderBy)
    {
        var expected = Ordering.Sort(Lake.Population.Where(Rows.InDistrict), r => r.RecordId, OrderByTests.PopulationOrders[orderBy]).Select(r => r.RecordId).ToList();
        var query = $"Population?$orderby={Uri.EscapeDataString(orderBy)}&$select=记录编号";
        await Lake.Client.GetAsync(Principals.Steward, query, prefer: "odata.maxpagesize=97");
        await Copies.WhenIdle();
        var hits = Copies.Hits;

        var pages = await Lake.Client.GetAllPagesAsync(Principals.Steward, query, prefer: "odata.maxpagesize=97");

        Assert.Equal(expected, Rows.Keys(Rows.All(pages)));
        Assert.True(pages.Count > 20);
        Assert.Equal(hits + pages.Count, Copies.Hits);
    }

    [Fact]
    public async Task Paging_StartedBeforeTheCopyWasReady_ContinuesOnItWithoutGapsOrRepeats()
    {
        var order = "民族 desc,出生日期";
        var expected = Ordering.Sort(Lake.Population.Where(Rows.InDistrict), r => r.RecordId, (r => r.Ethnicity, true), (r => r.BirthDate, false))
            .Select(r => r.RecordId).ToList();
        var hits = Copies.Hits;

        var first = await Lake.Client.GetAsync(Principals.Steward, $"Population?$orderby={Uri.EscapeDataString(order)}&$select=记录编号", prefer: "odata.maxpagesize=300");
        Assert.Equal(hits, Copies.Hits);
        await Copies.WhenIdle();
        var rows = first.Rows().ToList();
        for (var next = first.NextLink(); next is not null;)
        {
            var page = await Lake.Client.GetAbsoluteAsync(Principals.Steward, new Uri(next), prefer: "odata.maxpagesize=300");
            Assert.Equal(200, page.Status);
            rows.AddRange(page.Rows());
            next = page.NextLink();
        }

        Assert.Equal(expected, Rows.Keys(rows));
        Assert.True(Copies.Hits > hits);
    }

    [Fact]
    public async Task StreetWorker_PageFromTheCopy_EqualsThePageFromTheLake()
    {
        // The street worker sees ID numbers and phones masked; the copy holds raw values, masked in the projection as always.
        var query = $"Population?$orderby={Uri.EscapeDataString("迁入日期 desc")}&$select=记录编号,公民身份号码,联系电话,迁入日期,社区代码";
        var before = await Lake.Client.GetAsync(Principals.StreetWorkerA, query, prefer: "odata.maxpagesize=200");
        await Copies.WhenIdle();
        var hits = Copies.Hits;

        var after = await Lake.Client.GetAsync(Principals.StreetWorkerA, query, prefer: "odata.maxpagesize=200");

        Assert.Equal(hits + 1, Copies.Hits);
        Assert.Equal(before.Rows().Select(r => r.GetRawText()), after.Rows().Select(r => r.GetRawText()));
        Assert.All(after.Rows(), r => Assert.StartsWith(SyntheticData.StreetA, Rows.Text(r, "社区代码"), StringComparison.Ordinal));
        Assert.Contains(after.Rows(), r => Rows.Text(r, "公民身份号码")?.Contains('*', StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task FilterTopAndSkip_FromTheCopy_MatchLinq()
    {
        var expected = Ordering.Sort(Lake.Population.Where(Rows.InDistrict).Where(r => r.PersonType == "流动"), r => r.RecordId, (r => r.BirthDate, true))
            .Skip(40).Take(333).Select(r => r.RecordId).ToList();
        var query = "Population?$filter=" + Uri.EscapeDataString("人员类型 eq '流动'") + "&$orderby=" + Uri.EscapeDataString("出生日期 desc") + "&$select=记录编号&$skip=40&$top=333";
        await Lake.Client.GetAsync(Principals.Steward, query, prefer: "odata.maxpagesize=100");
        await Copies.WhenIdle();
        var hits = Copies.Hits;

        var pages = await Lake.Client.GetAllPagesAsync(Principals.Steward, query, prefer: "odata.maxpagesize=100");

        Assert.Equal(expected, Rows.Keys(Rows.All(pages)));
        Assert.Equal(4, pages.Count);
        Assert.Equal(hits + 4, Copies.Hits);
    }

    [Fact]
    public async Task CommunityScope_IsNotWorthACopy()
    {
        var built = Copies.Built;
        var hits = Copies.Hits;

        var page = await Lake.Client.GetAsync(Principals.CommunityWorkerA1, $"Population?$orderby={Uri.EscapeDataString("姓名 desc")}");
        await Copies.WhenIdle();
        await Lake.Client.GetAsync(Principals.CommunityWorkerA1, $"Population?$orderby={Uri.EscapeDataString("姓名 desc")}");

        Assert.Equal(200, page.Status);
        Assert.Equal(built, Copies.Built);
        Assert.Equal(hits, Copies.Hits);
    }

    [Fact]
    public async Task BeyondTheLimit_TheLeastRecentlyUsedCopyIsDeleted_AndItsOrderStillAnswers()
    {
        string[] orders = ["更新时间", "更新时间 desc", "现住址"];
        foreach (var order in orders)
        {
            await Lake.Client.GetAsync(Principals.Steward, $"Population?$orderby={Uri.EscapeDataString(order)}&$top=5");
            await Copies.WhenIdle();
        }

        Assert.True(Directory.GetFiles(Copies.Folder, "*.parquet").Length <= 2);
        var expected = Ordering.Sort(Lake.Population.Where(Rows.InDistrict), r => r.RecordId, (r => r.UpdatedAt, false)).Take(5).Select(r => r.RecordId);
        var page = await Lake.Client.GetAsync(Principals.Steward, $"Population?$orderby={Uri.EscapeDataString("更新时间")}&$top=5&$select=记录编号");
        Assert.Equal(expected, Rows.Keys(page.Rows()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("&$filter=%E4%BA%BA%E5%91%98%E7%B1%BB%E5%9E%8B%20eq%20'%E6%B5%81%E5%8A%A8'&$count=true")]
    public async Task DefaultOrder_OnceTheLakeOrderIsChecked_PagesReadTheLakeInFileOrder(string filter)
    {
        var expected = Ordering.Sort(Lake.Population.Where(Rows.InDistrict).Where(r => filter.Length == 0 || r.PersonType == "流动"), r => r.RecordId, (r => r.CommunityCode, false))
            .Select(r => r.RecordId).ToList();
        var query = "Population?$select=记录编号" + filter;
        await Lake.Client.GetAsync(Principals.Steward, query, prefer: "odata.maxpagesize=97");
        await Copies.WhenIdle();
        var hits = Copies.Hits;

        var pages = await Lake.Client.GetAllPagesAsync(Principals.Steward, query, prefer: "odata.maxpagesize=97");

        Assert.Equal(expected, Rows.Keys(Rows.All(pages)));
        Assert.Equal(hits + pages.Count, Copies.Hits);
        if (filter.Length > 0) Assert.Equal(expected.Count, pages[0].Count());
    }

    [Fact]
    public async Task CommunityWorker_DefaultOrderFromTheLakeOrder_MatchesItsRows()
    {
        var expected = Lake.Population.Where(r => r.CommunityCode == SyntheticData.CommunityA1).Select(r => r.RecordId).Order(StringComparer.Ordinal).ToList();
        await Lake.Client.GetAsync(Principals.CommunityWorkerA1, "Population?$top=1");
        await Copies.WhenIdle();
        var hits = Copies.Hits;

        var pages = await Lake.Client.GetAllPagesAsync(Principals.CommunityWorkerA1, "Population?$select=记录编号&$skip=3", prefer: "odata.maxpagesize=50");

        Assert.Equal(expected.Skip(3), Rows.Keys(Rows.All(pages)));
        Assert.Equal(hits + pages.Count, Copies.Hits);
    }

    [Fact]
    public async Task LakeNotInItsOrder_IsNotReadInFileOrder()
    {
        using var lake = new TestLake(o => o.SortedCopyMinRows = 0);
        var file = Path.Combine(Path.GetDirectoryName(lake.Datasets.Find("population", null)!.ParquetFiles[0])!, "unsorted.parquet");
        LakeWriter.Write(TestSchemas.Population, lake.Population.Select(r => r.Values()), file, orderBy: "\"name\", \"record_id\"");
        lake.Datasets.Publish(new ServedDataset(TestSchemas.Population, 2, [file], DateTimeOffset.UnixEpoch.AddDays(2)));
        var expected = Ordering.Sort(lake.Population.Where(Rows.InDistrict), r => r.RecordId, (r => r.CommunityCode, false)).Select(r => r.RecordId).ToList();
        await lake.Client.GetAsync(Principals.Steward, "Population?$top=1");
        await lake.Engine.SortedCopies.WhenIdle();

        var pages = await lake.Client.GetAllPagesAsync(Principals.Steward, "Population?$select=记录编号", prefer: "odata.maxpagesize=400");

        Assert.Equal(expected, Rows.Keys(Rows.All(pages)));
        Assert.Equal(0, lake.Engine.SortedCopies.Hits);
    }

    [Fact]
    public async Task StoppingTheEngine_DeletesTheCopies()
    {
        string folder;
        using (var lake = new TestLake(o => o.SortedCopyMinRows = 0))
        {
            await lake.Client.GetAsync(Principals.Steward, $"Population?$orderby={Uri.EscapeDataString("出生日期")}&$top=5");
            await lake.Engine.SortedCopies.WhenIdle();
            folder = lake.Engine.SortedCopies.Folder;
            Assert.Single(Directory.GetFiles(folder, "*.parquet"));
        }

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task ConfiguredFolder_IsOwnerOnly_AndAKilledProcessLeftoverIsRemovedAtStart()
    {
        var parent = Path.Combine(Path.GetTempPath(), "datahub-copies-" + Guid.NewGuid().ToString("N"));
        try
        {
            // What a killed node leaves: its folder with a copy and a lock nobody holds.
            var leftover = Directory.CreateDirectory(Path.Combine(parent, "sorted-dead")).FullName;
            await File.WriteAllTextAsync(Path.Combine(leftover, "owner.lock"), "");
            await File.WriteAllTextAsync(Path.Combine(leftover, "x.parquet"), "rows");
            using var live = new TestLake(o => { o.SortedCopyMinRows = 0; o.SortedCopyDirectory = parent; });
            Assert.False(Directory.Exists(leftover));

            await live.Client.GetAsync(Principals.Steward, $"Population?$orderby={Uri.EscapeDataString("出生日期")}&$top=5");
            await live.Engine.SortedCopies.WhenIdle();
            var folder = live.Engine.SortedCopies.Folder;
            Assert.Single(Directory.GetFiles(folder, "*.parquet"));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));

            // A second engine on the same folder leaves the live one's copies alone.
            using (new TestLake(o => { o.SortedCopyMinRows = 0; o.SortedCopyDirectory = parent; }))
                Assert.Single(Directory.GetFiles(folder, "*.parquet"));
        }
        finally
        {
            if (Directory.Exists(parent)) Directory.Delete(parent, recursive: true);
        }
    }
}
