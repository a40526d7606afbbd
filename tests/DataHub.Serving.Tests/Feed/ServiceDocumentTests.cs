using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

public sealed class ServiceDocumentTests(TestLake lake) : IClassFixture<TestLake>
{
    [Fact]
    public async Task ServiceDocument_Root_ListsEntitySetsWithMetadataContext()
    {
        var response = await lake.Client.GetAsync(Principals.Steward, "");

        Assert.Equal(200, response.Status);
        Assert.Single(response.Headers, h => h.Key == "OData-Version" && h.Value == "4.0");
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        var json = response.Json();
        Assert.Equal("http://localhost/odata/$metadata", json.GetProperty("@odata.context").GetString());
        var sets = json.GetProperty("value").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e);
        Assert.Equal(["Housing", "Population", "StreetSummary"], sets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("实有人口", sets["Population"].GetProperty("title").GetString());
        Assert.Equal("Population", sets["Population"].GetProperty("url").GetString());
    }

    [Fact]
    public async Task ServiceDocument_RootWithoutTrailingSlash_Answered()
    {
        var response = await lake.Client.GetAbsoluteAsync(Principals.Steward, new Uri("http://localhost/odata"));
        Assert.Equal(200, response.Status);
        Assert.Equal("http://localhost/odata/$metadata", response.Json().GetProperty("@odata.context").GetString());
    }

    [Fact]
    public async Task ServiceDocument_ForwardedPublicRoot_ContextUsesIt()
    {
        var client = new FeedClient(lake.Service, "https://data.gov.example/qixia/odata/");
        var response = await client.GetAsync(Principals.Steward, "");
        Assert.Equal("https://data.gov.example/qixia/odata/$metadata", response.Json().GetProperty("@odata.context").GetString());
    }

    [Fact]
    public async Task ServiceDocument_CommunityWorker_OmitsUnscopedDataset()
    {
        var response = await lake.Client.GetAsync(Principals.CommunityWorkerA1, "");
        var names = response.Json().GetProperty("value").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToArray();
        Assert.DoesNotContain("StreetSummary", names);
        Assert.Contains("Population", names);
    }
}
