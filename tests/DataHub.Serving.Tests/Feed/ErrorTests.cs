using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>Whatever the service cannot honour fails loudly with an OData error body: zh-CN message, no stack trace, no SQL, no data.</summary>
public sealed class ErrorTests(TestLake lake) : IClassFixture<TestLake>
{
    [Theory]
    [InlineData("Population?$expand=x", 400, "QUERY_OPTION_UNSUPPORTED")]
    [InlineData("Population?$search=张", 400, "QUERY_OPTION_UNSUPPORTED")]
    [InlineData("Population?$apply=aggregate(x with sum as n)", 400, "QUERY_INVALID")]
    [InlineData("Population?$compute=length(姓名) as n", 400, "QUERY_OPTION_UNSUPPORTED")]
    [InlineData("Population?$foo=1", 400, "QUERY_OPTION_UNKNOWN")]
    [InlineData("Population?$Filter=true", 400, "QUERY_OPTION_UNKNOWN")]
    [InlineData("Population?filter=true", 400, "QUERY_OPTION_UNKNOWN")]
    [InlineData("Population?$format=xml", 400, "FORMAT_UNSUPPORTED")]
    [InlineData("Population?$format=application/json;odata.metadata=full", 400, "FORMAT_UNSUPPORTED")]
    [InlineData("Population?$top=1&$top=2", 400, "QUERY_INVALID")]
    [InlineData("Population?$top=-1", 400, "QUERY_INVALID")]
    [InlineData("Population?$count=yes", 400, "QUERY_INVALID")]
    [InlineData("Population?$filter=姓名 eq", 400, "QUERY_INVALID")]
    [InlineData("Population?$filter=姓名 eq 1", 400, "QUERY_INVALID")]
    [InlineData("Population?$filter=鞋码 gt 40", 400, "QUERY_INVALID")]
    [InlineData("Population?$filter=now() gt 更新时间", 400, "FUNCTION_UNSUPPORTED")]
    [InlineData("Population?$filter=matchesPattern(姓名,'^张')", 400, "FUNCTION_UNSUPPORTED")]
    [InlineData("Population?$filter=更新时间 add duration'P1D' gt 2024-01-01T00:00:00Z", 400, "EXPRESSION_UNSUPPORTED")]
    [InlineData("Population?$select=姓名($select=x)", 400, "QUERY_INVALID")]
    [InlineData("Population?$skip=1&$skiptoken=abc", 400, "QUERY_INVALID")]
    [InlineData("Population?$skiptoken=abc", 400, "SKIPTOKEN_INVALID")]
    [InlineData("Population?$orderby=姓名,性别,出生日期,人员类型,社区代码,街道代码,更新时间,所属社区,记录编号", 400, "QUERY_INVALID")]
    [InlineData("Nope", 404, "RESOURCE_NOT_FOUND")]
    [InlineData("Population/extra", 404, "RESOURCE_NOT_FOUND")]
    [InlineData("Population/$count/x", 404, "RESOURCE_NOT_FOUND")]
    [InlineData("Population('ffffffffffffffff')", 404, "RESOURCE_NOT_FOUND")]
    [InlineData("Population('0071c039e97a5b62')/姓名", 400, "QUERY_INVALID")]
    [InlineData("$batch", 501, "NOT_IMPLEMENTED")]
    [InlineData("Housing?$filter=租住人数 mul 租住人数 mul 租住人数 gt 0", 400, "QUERY_EVALUATION_FAILED")]
    public async Task Request_Unsupported_ODataErrorBody(string relative, int status, string code)
    {
        var response = await lake.Client.GetAsync(Principals.Steward, relative);

        Assert.Equal(status, response.Status);
        Assert.Equal(code, response.ErrorCode());
        Assert.Single(response.Headers, h => h.Key == "OData-Version" && h.Value == "4.0");
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        var message = response.ErrorMessage();
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.Contains(message, c => c >= '\u4e00' && c <= '\u9fff');
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("read_parquet", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("SELECT", response.Body, StringComparison.Ordinal);
        Assert.Equal(code, response.Outcome.ErrorCode);
    }

    [Fact]
    public async Task Overflow_MessageHoldsNoValues()
    {
        // DuckDB's message quotes the operands ("Overflow in multiplication of INT64 (x * y)"), and
        // DuckDB may evaluate the filter on rows outside the scope first: the caller never sees it.
        var response = await lake.Client.GetAsync(Principals.Steward, "Housing?$filter=" + Uri.EscapeDataString("租住人数 mul 租住人数 mul 租住人数 gt 0"));

        Assert.Equal(400, response.Status);
        Assert.DoesNotMatch(@"\d{2,}", response.ErrorMessage());
        Assert.Equal("DuckDB OutOfRange", response.Outcome.Failure);
    }

    [Fact]
    public async Task LongUrl_Over8KB_Accepted()
    {
        var values = string.Join(",", Enumerable.Range(0, 900).Select(i => $"'x{i:D4}'").Prepend("'流动'"));
        var relative = "Population?$count=true&$top=0&$filter=" + Uri.EscapeDataString($"人员类型 in ({values})");
        Assert.True(relative.Length > 8192);

        var response = await lake.Client.GetAsync(Principals.Steward, relative);

        Assert.Equal(200, response.Status);
        Assert.Equal(lake.Population.Count(r => Rows.InDistrict(r) && r.PersonType == "流动"), response.Count());
    }

    [Fact]
    public async Task Url_OverConfiguredLimit_414()
    {
        var relative = "Population?$filter=" + Uri.EscapeDataString("姓名 eq '" + new string('a', lake.Options.MaxRequestUriLength) + "'");
        var response = await lake.Client.GetAsync(Principals.Steward, relative);
        Assert.Equal(414, response.Status);
        Assert.Equal("URI_TOO_LONG", response.ErrorCode());
    }

    [Fact]
    public async Task DeeplyNestedFilter_400NotCrash()
    {
        var filter = string.Concat(Enumerable.Repeat("not (", 1000)) + "true" + new string(')', 1000);
        var response = await lake.Client.GetAsync(Principals.Steward, "Population?$filter=" + Uri.EscapeDataString(filter));
        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task CustomQueryOption_Ignored()
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "Population?ApiKey=secret&$top=1");
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task FormatJson_Accepted()
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "Population?$top=1&$format=application/json;odata.metadata=minimal");
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task RequestOutsideServiceRoot_404()
    {
        var response = await lake.Client.GetAbsoluteAsync(Principals.Steward, new Uri("http://localhost/other/Population"));
        Assert.Equal(404, response.Status);
    }

    [Fact]
    public async Task FailingCatalog_500WithoutDetails()
    {
        var service = new ODataFeedService(new ThrowingDatasets(), lake.Policy, lake.Engine, lake.Options);
        var response = await new FeedClient(service).GetAsync(Principals.Steward, "Population");

        Assert.Equal(500, response.Status);
        Assert.Equal("INTERNAL_ERROR", response.ErrorCode());
        Assert.DoesNotContain("catalog down", response.Body, StringComparison.Ordinal);
        Assert.Contains("catalog down", response.Outcome.Failure, StringComparison.Ordinal);
    }

    private sealed class ThrowingDatasets : IServedDatasets
    {
        public IReadOnlyList<ServedDataset> Current() => throw new InvalidOperationException("catalog down");

        public ServedDataset? Find(string datasetName, long? version) => throw new InvalidOperationException("catalog down");
    }
}
