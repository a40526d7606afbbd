using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Rest;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Rest;

/// <summary>Paging, records and columns of the REST connector on the simulated 市场监管 API.</summary>
public sealed class RestConnectorReadTests(SimulatedDistrictFixture district) : IClassFixture<SimulatedDistrictFixture>
{
    private readonly ISourceConnector _connector = RestConnectorRegistration.Create();

    [Theory]
    [InlineData("page", 37)]
    [InlineData("offset", 50)]
    [InlineData("cursor", 64)]
    [InlineData("none", 1000)]
    public async Task Read_EveryPagingMode_ReturnsEveryListingOnce(string paging, int pageSize)
    {
        var config = RestSources.Config(district, ".", o =>
        {
            o["paging"] = paging;
            o["page_size"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (paging == "none") o["url"] += "?size=100000";
        });

        var batches = await Read(config);

        var codes = RestSources.CreditCodes(batches);
        Assert.Equal(district.Truth.Departments["enterprise"].Rows, codes.Count);
        // Each enterprise listed once, the planted duplicates twice.
        Assert.Equal(district.Truth.Departments["enterprise"].Duplicates, codes.Count - codes.Distinct().Count());
    }

    [Fact]
    public async Task Discover_NestedObjects_BecomeDottedColumns()
    {
        var stream = await _connector.DiscoverAsync(RestSources.Config(district, "."), default);

        Assert.Equal("enterprises", stream.Name);
        Assert.Contains(stream.Columns, c => c.Name == "community.code");
        Assert.Contains(stream.Columns, c => c.Name == "community.name");
        Assert.DoesNotContain(stream.Columns, c => c.Name == "community");
    }

    [Fact]
    public async Task Read_Numbers_KeepTheirSourceText()
    {
        var batches = await Read(RestSources.Config(district, "."));

        var at = batches[0].Columns.Single(c => c.Name == "regcap").Ordinal - 1;
        Assert.All(batches.SelectMany(b => b.Records), r => Assert.Matches(@"^\d+(\.\d{1,2})?$", (string)r.Values[at]!));
    }

    [Fact]
    public async Task Read_RateLimitDeclared_ServerNeverAnswers429()
    {
        // A server allowing 4 requests a second; the source declares 3.
        await using var limited = await Simulators.District.Servers.DistrictServer.StartAsync(district.Paths, rateLimit: 4);
        var config = RestSources.Config(district, ".", o =>
        {
            o["url"] = limited.EnterprisesUrl.ToString();
            o["page_size"] = "25";
            o["rate_limit"] = "3";
            o["max_retries"] = "0";
        });

        var batches = await Read(config);

        Assert.Equal(district.Truth.Departments["enterprise"].Rows, batches.Sum(b => b.Records.Count));
    }

    [Fact]
    public async Task Read_ServerAnswers429_WaitsRetryAfterThenSucceeds()
    {
        district.Server.Faults.FailNext(1, 429);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var batches = await Read(RestSources.Config(district, ".", o => o["retry_delay_ms"] = "1"));

        // The server said Retry-After: 1; the 1 ms backoff was not used instead.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"waited only {watch.Elapsed}");
        Assert.Equal(district.Truth.Departments["enterprise"].Rows, batches.Sum(b => b.Records.Count));
    }

    private async Task<List<RecordBatch>> Read(SourceConfig config, ConnectorState? state = null)
    {
        var batches = new List<RecordBatch>();
        await foreach (var b in _connector.ReadAsync(config, state, default)) batches.Add(b);
        return batches;
    }
}
