using System.Text.RegularExpressions;
using DataHub.TestKit.OData;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>The feed through real HTTP, read like Excel reads it, for each kind of principal.</summary>
[Collection(DemoServerCollection.Name)]
public sealed partial class FeedAccessTests(DemoServer server)
{
    private const string Maqun = "320113002001";
    private const string Qingma = "320113002002";

    [Fact]
    public async Task CommunityWorker_FollowsEveryNextLink_SeesExactlyOwnCommunity()
    {
        var client = server.Client("maqun-community", preferMaxPageSize: 7);
        var doc = await client.GetServiceDocumentAsync(server.ServiceRoot);
        Assert.Contains("Population", doc.EntitySetNames);
        var model = await client.GetMetadataAsync(server.ServiceRoot);

        var feed = await client.ReadFeedAsync(server.Feed("?$count=true"), model);

        var expected = server.AcceptedWithin(Maqun);
        Assert.True(expected > 7, "the demo community should need several pages");
        Assert.Equal(expected, feed.Rows.Count);
        Assert.Equal(expected, feed.Count);
        Assert.True(feed.PageCount > 1);
        Assert.All(feed.Rows, r => Assert.Equal(Maqun, r["社区代码"]));
        Assert.Equal(expected, await client.GetCountAsync(server.Feed()));
    }

    [Fact]
    public async Task Steward_ReadsWholeDistrict_AcrossServerPages()
    {
        var client = server.Client("steward");
        var model = await client.GetMetadataAsync(server.ServiceRoot);

        var feed = await client.ReadFeedAsync(server.Feed("?$count=true&$select=记录编号,社区代码,公民身份号码"), model);

        Assert.Equal(server.Manifest.ExpectedAccepted, feed.Rows.Count);
        Assert.Equal(server.Manifest.ExpectedAccepted, feed.Count);
        Assert.True(feed.PageCount >= server.Manifest.ExpectedAccepted / DemoServer.PageSize);
        Assert.All(feed.Rows, r => Assert.Matches(FullIdNumber(), (string)r["公民身份号码"]!));
    }

    [Fact]
    public async Task StreetWorker_SeesEveryCommunityOfTheStreetOnly()
    {
        var client = server.Client("maqun-street");
        var model = await client.GetMetadataAsync(server.ServiceRoot);

        var feed = await client.ReadFeedAsync(server.Feed("?$count=true"), model);

        Assert.Equal(server.AcceptedWithin("320113002"), feed.Rows.Count);
        Assert.All(feed.Rows, r => Assert.StartsWith("320113002", (string)r["社区代码"]!));
        Assert.Contains(feed.Rows, r => (string)r["社区代码"]! == Qingma);
    }

    [Theory]
    [InlineData("$filter=社区代码 eq '320113002002'")]
    [InlineData("$filter=社区代码 ne '320113002001'")]
    [InlineData("$filter=社区代码 eq '320113002002' or true")]
    [InlineData("$filter=not (社区代码 eq '320113002001')")]
    [InlineData("$filter=startswith(社区代码,'3201') or 1 eq 1&$orderby=社区代码 desc")]
    [InlineData("$orderby=社区代码 desc,姓名&$top=100000")]
    [InlineData("$filter=街道代码 eq '320113001'&$count=true")]
    public async Task CommunityWorker_AnyFilterOrOrder_NeverReachesAnotherCommunity(string query)
    {
        var client = server.Client("maqun-community", preferMaxPageSize: 5);
        var model = await client.GetMetadataAsync(server.ServiceRoot);

        var feed = await client.ReadFeedAsync(server.Feed("?" + query), model);

        Assert.All(feed.Rows, r => Assert.Equal(Maqun, r["社区代码"]));
        Assert.True(feed.Rows.Count <= server.AcceptedWithin(Maqun));
        Assert.True(feed.Count is null || feed.Count <= server.AcceptedWithin(Maqun));
    }

    [Fact]
    public async Task CommunityWorker_SensitiveColumnsAreMaskedAndCannotBeFilteredOn()
    {
        var client = server.Client("qingma-community");
        var model = await client.GetMetadataAsync(server.ServiceRoot);

        var feed = await client.ReadFeedAsync(server.Feed(), model);
        Assert.NotEmpty(feed.Rows);
        Assert.All(feed.Rows, r => Assert.Matches(MaskedIdNumber(), (string)r["公民身份号码"]!));

        var error = await client.GetErrorAsync(server.Feed("?$filter=startswith(公民身份号码,'3201')"));
        Assert.Equal(400, (int)error.StatusCode);
        Assert.Contains("公民身份号码", error.Message);
    }

    [Fact]
    public async Task Feed_LargePages_AreGzipCompressedForPowerQuery()
    {
        var c = server.Credential("steward");
        var client = new StrictODataClient(new HttpClient(), new StrictODataClientOptions { UserName = c.Name, Password = c.Password, RequireCompressionAboveBytes = 20_000 });
        var model = await client.GetMetadataAsync(server.ServiceRoot);

        var feed = await client.ReadFeedAsync(server.Feed("?$top=1000"), model);

        Assert.Equal(1000, feed.Rows.Count);
        Assert.Contains("gzip", feed.ContentEncodings);
    }

    [Fact]
    public async Task Feed_PageAndCount_SentWithContentLength_NotChunked()
    {
        var c = server.Credential("steward");
        using var http = new HttpClient();
        foreach (var url in new[] { server.Feed("?$top=300"), server.Feed("/$count") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{c.Name}:{c.Password}")));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync();

            Assert.True(response.Headers.TransferEncodingChunked is not true, url.ToString());
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task Feed_BehindAProxy_NextLinksCarryTheForwardedSchemeHostAndPrefix()
    {
        var c = server.Credential("steward");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Feed("?$select=姓名"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{c.Name}:{c.Password}")));
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "data.qixia.gov.cn");
        request.Headers.Add("X-Forwarded-Prefix", "/datahub");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();

        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://data.qixia.gov.cn/datahub/odata/$metadata#Population(姓名)", Uri.UnescapeDataString(doc.RootElement.GetProperty("@odata.context").GetString()!));
        Assert.StartsWith("https://data.qixia.gov.cn/datahub/odata/Population?", doc.RootElement.GetProperty("@odata.nextLink").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_CarriesChinesePropertyNamesAndDescriptions()
    {
        var model = await server.Client("steward").GetMetadataAsync(server.ServiceRoot);
        Assert.Contains("实有人口", model.GetEntitySetDescription("Population"));
        Assert.Contains("GB 11643", model.GetPropertyDescription("Population", "公民身份号码"));
    }

    [GeneratedRegex("^[0-9]{17}[0-9X]$")]
    private static partial Regex FullIdNumber();

    [GeneratedRegex(@"^[0-9]{6}\*{8}[0-9X]{4}$")]
    private static partial Regex MaskedIdNumber();
}
