using System.Globalization;
using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>
/// Limits that keep a node healthy under load: the admission gate (503 + Retry-After), the bounded
/// worker queue, the statement time budget, the expression complexity budget, and pages that hold no
/// DuckDB connection or worker while their body waits to be sent.
/// </summary>
public sealed class LoadLimitTests(TestLake lake) : IClassFixture<TestLake>
{
    private (ODataFeedService Service, FeedClient Client, DuckDbEngine Engine) Build(Action<ServingOptions> configure)
    {
        var options = new ServingOptions { Secret = TestLake.Secret, MemoryLimit = "256MB", Threads = 1, QueryWorkers = 1 };
        configure(options);
        var engine = new DuckDbEngine(options);
        var service = new ODataFeedService(lake.Datasets, AccessPolicy.LoadEmbedded(), engine, options);
        return (service, new FeedClient(service), engine);
    }

    /// <summary>A worker counts itself idle a moment after its caller has its answer.</summary>
    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    private static FeedRequest Request(FeedClient client, string relative) =>
        new(Principals.Steward, client.Root, new Uri(client.Root.AbsoluteUri + relative));

    [Fact]
    public async Task Gate_Full_503WithRetryAfterAndZhCnError_ThenAdmitsAgain()
    {
        var (service, client, engine) = Build(o => { o.MaxConcurrentRequests = 2; o.RetryAfterSeconds = 3; });
        using (engine)
        {
            var held1 = await service.HandleAsync(Request(client, "Population?$top=5"), CancellationToken.None);
            // Not an unfiltered $count: once the first page has loaded the version's counts per
            // community, that is answered from memory without the gate.
            var held2 = await service.HandleAsync(Request(client, "Population?$filter=性别 eq '女'&$top=3"), CancellationToken.None);
            Assert.Equal(2, service.Admitted);

            var refused = await client.GetAsync(Principals.Steward, "Population?$top=5");

            Assert.Equal(503, refused.Status);
            Assert.Equal("SERVER_BUSY", refused.ErrorCode());
            Assert.Equal("3", refused.Header("Retry-After"));
            Assert.Contains("服务器繁忙", refused.ErrorMessage(), StringComparison.Ordinal);
            // Documents need no DuckDB work and are never refused by the gate.
            Assert.Equal(200, (await client.GetAsync(Principals.Steward, "$metadata")).Status);

            await held1.DisposeAsync();
            Assert.Equal(200, (await client.GetAsync(Principals.Steward, "Population?$top=5")).Status);
            await held2.DisposeAsync();
            Assert.Equal(0, service.Admitted);
        }
    }

    [Fact]
    public async Task Gate_Full_RefusedBeforeParsing_UnfilteredCountStillAnswered()
    {
        var (service, client, engine) = Build(o => o.MaxConcurrentRequests = 1);
        using (engine)
        {
            var held = await service.HandleAsync(Request(client, "Population?$top=5"), CancellationToken.None);
            const string bad = "Population?$filter=没有这个字段 eq 1";

            // Shed before its options are parsed: a full node spends nothing on finding the mistake.
            var refused = await client.GetAsync(Principals.Steward, bad);
            Assert.Equal(503, refused.Status);
            Assert.Equal("SERVER_BUSY", refused.ErrorCode());
            Assert.NotNull(refused.Header("Retry-After"));
            // Unknown datasets are still 404 (found before the gate), unfiltered counts come from memory.
            Assert.Equal(404, (await client.GetAsync(Principals.Steward, "NoSuchSet?$top=1")).Status);
            Assert.Equal(200, (await client.GetAsync(Principals.Steward, "Population/$count")).Status);
            Assert.Equal(503, (await client.GetAsync(Principals.Steward, "Population/$count?$filter=性别 eq '女'")).Status);

            await held.DisposeAsync();
            Assert.Equal(400, (await client.GetAsync(Principals.Steward, bad)).Status);
            Assert.Equal(0, service.Admitted);
        }
    }

    [Fact]
    public async Task Gate_Full_KeyLookupAndApply503Too()
    {
        var (service, client, engine) = Build(o => o.MaxConcurrentRequests = 1);
        using (engine)
        {
            var key = lake.Population.First(Rows.InDistrict).RecordId;
            var held = await service.HandleAsync(Request(client, "Population?$top=5"), CancellationToken.None);

            foreach (var relative in new[] { $"Population('{key}')", "Population?$apply=" + Uri.EscapeDataString("groupby((所属社区),aggregate($count as 人数))"), "Population/$count?$apply=" + Uri.EscapeDataString("groupby((所属社区))") })
            {
                var refused = await client.GetAsync(Principals.Steward, relative);
                Assert.True(refused.Status == 503, relative + ": " + refused.Body);
                Assert.Equal("SERVER_BUSY", refused.ErrorCode());
                Assert.NotNull(refused.Header("Retry-After"));
            }

            await held.DisposeAsync();
            Assert.Equal(200, (await client.GetAsync(Principals.Steward, $"Population('{key}')")).Status);
            Assert.Equal(200, (await client.GetAsync(Principals.Steward, "Population?$apply=" + Uri.EscapeDataString("groupby((所属社区))"))).Status);
            Assert.Equal(0, service.Admitted);
        }
    }

    [Fact]
    public async Task DownloadGate_Full_503_PagesStillAdmitted()
    {
        var (service, client, engine) = Build(o => { o.MaxConcurrentDownloads = 1; o.MaxConcurrentRequests = 1; });
        using (engine)
        {
            var held = await service.HandleAsync(Request(client, "Population?$format=csv"), CancellationToken.None);
            Assert.Equal(200, held.StatusCode);
            Assert.Equal(1, service.DownloadsAdmitted);
            // A download takes no slot of the feed gate (its limit here is 1) and no query worker.
            Assert.Equal(0, service.Admitted);

            foreach (var format in new[] { "csv", "xlsx", "parquet", "arrow" })
            {
                var refused = await client.GetAsync(Principals.Steward, "Population?$format=" + format);
                Assert.Equal(503, refused.Status);
                Assert.Equal("SERVER_BUSY", refused.ErrorCode());
                Assert.Contains("下载", refused.ErrorMessage(), StringComparison.Ordinal);
            }
            Assert.Equal(200, (await client.GetAsync(Principals.Steward, "Population?$top=3")).Status);

            await held.DisposeAsync();
            Assert.Equal(0, service.DownloadsAdmitted);
            var again = await client.GetAsync(Principals.Steward, "Population?$format=csv");
            Assert.Equal(200, again.Status);
            Assert.Equal(lake.Population.Count(Rows.InDistrict), again.Outcome.RowsReturned);
        }
    }

    [Fact]
    public async Task Download_ClientNeverReads_WorkerWaitsBoundedThenStopsOnDispose()
    {
        var (service, client, engine) = Build(o => o.MaxConcurrentRequests = 10);
        using (engine)
        {
            // The steward's CSV (~2,750 rows) is larger than the pipe holds: its worker blocks until the client reads.
            var unread = await service.HandleAsync(Request(client, "Population?$format=csv"), CancellationToken.None);
            Assert.Equal(200, unread.StatusCode);
            Assert.Equal(1, engine.DownloadsRunning);

            // Pages run on the (single) query worker meanwhile.
            var page = await client.GetAsync(Principals.Steward, "Population?$top=3");
            Assert.Equal(200, page.Status);
            Assert.Equal(1, engine.DownloadsRunning);

            await unread.DisposeAsync();
            await Eventually(() => engine.DownloadsRunning == 0);
            Assert.Equal(0, service.DownloadsAdmitted);
        }
    }

    [Fact]
    public async Task Download_SlowReader_ReceivesEveryRow()
    {
        var (service, client, engine) = Build(o => o.MaxConcurrentRequests = 10);
        using (engine)
        {
            await using var result = await service.HandleAsync(Request(client, "Population?$format=csv"), CancellationToken.None);
            await using var stream = new AsyncOnlyStream();
            await Task.Delay(100);
            await result.WriteBodyAsync(stream, CancellationToken.None);

            var lines = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lake.Population.Count(Rows.InDistrict) + 1, lines.Length);
            Assert.Equal(lake.Population.Count(Rows.InDistrict), result.Outcome.RowsReturned);
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("arrow")]
    [InlineData("xlsx")]
    [InlineData("parquet")]
    public async Task Download_PastTimeBudget_503QueryTimeout(string format)
    {
        var (service, client, engine) = Build(o => o.DownloadTimeout = TimeSpan.FromTicks(1));
        using (engine)
        {
            var refused = await client.GetAsync(Principals.Steward, "Population?$format=" + format);

            Assert.Equal(503, refused.Status);
            Assert.Equal("QUERY_TIMEOUT", refused.ErrorCode());
            Assert.Equal(0, service.DownloadsAdmitted);
            await Eventually(() => engine.DownloadsRunning == 0);
        }
    }

    [Fact]
    public async Task Apply_LongRunning_InterruptedByTimeBudget_503_WorkerServesNext()
    {
        // About 800,000 rows (the lake's population 300 times over, record ids made unique): a
        // groupby by record id and its total ORDER BY take DuckDB far longer than the budget.
        var folder = Directory.CreateTempSubdirectory("datahub-long-apply-").FullName;
        try
        {
            var big = Path.Combine(folder, "big.parquet");
            using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
            {
                connection.Open();
                using var copy = connection.CreateCommand();
                var files = string.Join(", ", lake.Datasets.Current().Single(d => d.Schema.Name == TestSchemas.Population.Name).ParquetFiles.Select(f => "'" + f + "'"));
                copy.CommandText = $"COPY (SELECT * REPLACE (record_id || '-' || i::VARCHAR AS record_id) FROM read_parquet([{files}]), range(300) t(i)) TO '{big}' (FORMAT parquet)";
                copy.ExecuteNonQuery();
            }
            var datasets = new FakeServedDatasets();
            datasets.Publish(new ServedDataset(TestSchemas.Population, 1, [big], DateTimeOffset.UnixEpoch));
            var options = new ServingOptions { Secret = TestLake.Secret, MemoryLimit = "512MB", Threads = 1, QueryWorkers = 1, QueryTimeout = TimeSpan.FromMilliseconds(200) };
            using var engine = new DuckDbEngine(options);
            var service = new ODataFeedService(datasets, AccessPolicy.LoadEmbedded(), engine, options);
            var client = new FeedClient(service);

            var page = await client.GetAsync(Principals.Steward, "Population?$count=true&$apply=" + Uri.EscapeDataString("groupby((记录编号,姓名,现住址),aggregate(出生日期 with max as 最晚,$count as 人数))"));

            Assert.True(page.Status == 503, page.Body);
            Assert.Equal("QUERY_TIMEOUT", page.ErrorCode());
            Assert.Contains("已中止", page.ErrorMessage(), StringComparison.Ordinal);
            Assert.NotNull(page.Outcome.Failure);
            Assert.Equal(0, service.Admitted);
            // The interrupted worker is free for the next request.
            var answer = await engine.RunAsync((session, _) =>
            {
                using var command = session.Connection.CreateCommand();
                command.CommandText = "SELECT 42";
                return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }, CancellationToken.None);
            Assert.Equal(42, answer);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Apply_PastTimeBudget_Interrupted503_KeyLookupToo()
    {
        var (service, client, engine) = Build(o => o.QueryTimeout = TimeSpan.FromTicks(1));
        using (engine)
        {
            var key = lake.Population.First(Rows.InDistrict).RecordId;
            foreach (var relative in new[] { "Population?$apply=" + Uri.EscapeDataString("groupby((所属社区,性别),aggregate(出生日期 with max as 最晚, $count as 人数))") + "&$count=true", $"Population('{key}')" })
            {
                var page = await client.GetAsync(Principals.Steward, relative);

                Assert.True(page.Status == 503, relative + ": " + page.Body);
                Assert.Equal("QUERY_TIMEOUT", page.ErrorCode());
                Assert.NotNull(page.Header("Retry-After"));
            }
            Assert.Equal(0, service.Admitted);
            await Eventually(() => engine.Running == 0);
        }
    }

    [Fact]
    public async Task PagesNotYetSent_HoldNoWorker_OneWorkerServesTheNext()
    {
        var (service, client, engine) = Build(o => o.MaxConcurrentRequests = 10);
        using (engine)
        {
            // Three pages whose clients never read: with one worker, a fourth request still runs.
            var unread = new List<FeedResult>();
            for (var i = 0; i < 3; i++) unread.Add(await service.HandleAsync(Request(client, "Population"), CancellationToken.None));

            var next = await client.GetAsync(Principals.Steward, "Population?$top=3");

            Assert.Equal(200, next.Status);
            Assert.Equal(3, next.Rows().Count);
            Assert.Equal(0, engine.Running);
            foreach (var r in unread) await r.DisposeAsync();
        }
    }

    [Fact]
    public async Task Queue_Full_503ServerBusy()
    {
        var (_, client, engine) = Build(o => o.MaxQueuedQueries = 1);
        using (engine)
        {
            using var release = new ManualResetEventSlim();
            var blocking = engine.RunAsync((_, ct) => release.Wait(TimeSpan.FromSeconds(30), ct), CancellationToken.None);
            while (engine.Running == 0) await Task.Delay(5);
            var queued = engine.RunAsync((_, _) => 1, CancellationToken.None);

            var refused = await client.GetAsync(Principals.Steward, "Population?$top=1");

            release.Set();
            Assert.Equal(503, refused.Status);
            Assert.Equal("SERVER_BUSY", refused.ErrorCode());
            Assert.True(await blocking);
            Assert.Equal(1, await queued);
        }
    }

    [Fact]
    public async Task Queue_WaitedPastTimeout_503RatherThanLate()
    {
        var (_, client, engine) = Build(o => o.QueueTimeout = TimeSpan.FromMilliseconds(50));
        using (engine)
        {
            using var release = new ManualResetEventSlim();
            var blocking = engine.RunAsync((_, ct) => release.Wait(TimeSpan.FromSeconds(30), ct), CancellationToken.None);
            while (engine.Running == 0) await Task.Delay(5);

            var waiting = client.GetAsync(Principals.Steward, "Population?$top=1");
            await Task.Delay(200);
            release.Set();
            var page = await waiting;

            Assert.Equal(503, page.Status);
            Assert.Equal("SERVER_BUSY", page.ErrorCode());
            Assert.True(await blocking);
        }
    }

    [Fact]
    public async Task Statement_PastTimeBudget_Interrupted503AndWorkerStillServes()
    {
        var (service, client, engine) = Build(o => o.QueryTimeout = TimeSpan.FromTicks(1));
        using (engine)
        {
            var page = await client.GetAsync(Principals.Steward, "Population?$count=true");

            Assert.Equal(503, page.Status);
            Assert.Equal("QUERY_TIMEOUT", page.ErrorCode());
            Assert.NotNull(page.Header("Retry-After"));
            Assert.Equal(0, service.Admitted);
        }
    }

    [Fact]
    public async Task Filter_NestedConcatPastDepth_400TooComplex()
    {
        var expression = "姓名";
        for (var i = 0; i < 60; i++) expression = $"concat({expression},'x')";

        var page = await lake.Client.GetAsync(Principals.Steward, "Population?$filter=" + Uri.EscapeDataString($"length({expression}) gt 0"));

        Assert.Equal(400, page.Status);
        Assert.Equal("QUERY_TOO_COMPLEX", page.ErrorCode());
        Assert.Contains("嵌套过深", page.ErrorMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_LongOrChainAsPowerQueryFoldsIt_Accepted()
    {
        var codes = Enumerable.Range(0, 200).Select(i => $"社区代码 eq '{320113001000 + i}'");

        var page = await lake.Client.GetAsync(Principals.Steward, "Population/$count?$filter=" + Uri.EscapeDataString(string.Join(" or ", codes)));

        Assert.True(page.Status == 200, page.Body);
        Assert.Equal(lake.Population.Count(r => r.CommunityCode.StartsWith("320113001", StringComparison.Ordinal) && int.Parse(r.CommunityCode[9..], CultureInfo.InvariantCulture) < 200), long.Parse(page.Body, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Filter_TooManyNodes_400TooComplex()
    {
        var (_, client, engine) = Build(o => o.MaxExpressionNodes = 50);
        using (engine)
        {
            var codes = Enumerable.Range(0, 20).Select(i => $"社区代码 eq '{i}'");
            var page = await client.GetAsync(Principals.Steward, "Population?$filter=" + Uri.EscapeDataString(string.Join(" or ", codes)));

            Assert.Equal(400, page.Status);
            Assert.Equal("QUERY_TOO_COMPLEX", page.ErrorCode());
        }
    }

    [Fact]
    public async Task Page_OverByteBudget_EndsEarlyWithNextLinkAndLosesNothing()
    {
        var (_, client, engine) = Build(o => o.MaxPageBytes = 64 * 1024);
        using (engine)
        {
            var pages = await client.GetAllPagesAsync(Principals.Steward, "Population?$select=" + Uri.EscapeDataString("记录编号,姓名,现住址"));
            var ids = pages.SelectMany(p => p.Rows()).Select(r => r.GetProperty("记录编号").GetString()).ToList();

            Assert.True(pages.Count > 1);
            Assert.All(pages, p => Assert.True(p.BodyBytes.Length < 80 * 1024, $"page of {p.BodyBytes.Length} bytes"));
            Assert.Equal(lake.Population.Count(Rows.InDistrict), ids.Count);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }
}
