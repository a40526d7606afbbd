using System.Net;
using DataHub.TestKit.OData;
using Microsoft.OData.Edm;
using Xunit;

namespace DataHub.TestKit.Tests.OData;

public sealed class StrictODataClientTests
{
    private static readonly string[] AllColumns = ["Id", "姓名", "BirthDate"];

    [Fact]
    public async Task Reads_service_document_metadata_and_all_pages_like_Power_Query()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http);

        var serviceDocument = await client.GetServiceDocumentAsync(service.Root);
        Assert.Equal(["People"], serviceDocument.EntitySetNames);
        Assert.Equal(service.PeopleUrl(), serviceDocument.EntitySets[0].AbsoluteUrl);

        var model = await client.GetMetadataAsync(service.Root);
        Assert.Equal("人口", model.GetEntitySetDescription("People"));
        Assert.Equal("居民姓名", model.GetPropertyDescription("People", "姓名"));
        Assert.Null(model.GetPropertyDescription("People", "BirthDate"));

        var feed = await client.ReadFeedAsync(service.PeopleUrl("?$count=true"), model);

        Assert.Equal(3, feed.PageCount);
        Assert.Equal([3, 3, 2], feed.PageRowCounts);
        Assert.Equal(8, feed.Count);
        Assert.Equal(8, feed.Rows.Count);
        Assert.Equal(service.PeopleUrl("?$count=true"), feed.PageUrls[0]);
        Assert.All(feed.PageUrls.Skip(1), u => Assert.Contains("$skiptoken=", u.OriginalString, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), feed.Rows.Select(r => (long)r["Id"]!));
        Assert.All(feed.Rows, r => Assert.Equal(AllColumns.Order(), r.Keys.Order()));
        Assert.Equal("张三", feed.Rows[0]["姓名"]);
        Assert.Equal(new DateOnly(1980, 1, 2), feed.Rows[0]["BirthDate"]);
        Assert.Null(feed.Rows[2]["姓名"]);
        Assert.Null(feed.Rows[2]["BirthDate"]);
        Assert.Equal("Zoë \"quoted\"", feed.Rows[5]["姓名"]);
        Assert.All(feed.ContentEncodings, e => Assert.Equal("gzip", e));

        Assert.Equal(8, await client.GetCountAsync(service.PeopleUrl()));
    }

    [Fact]
    public async Task Sends_Power_Query_headers_on_every_request()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http);
        await client.GetServiceDocumentAsync(service.Root);
        var model = await client.GetMetadataAsync(service.Root);
        await client.ReadFeedAsync(service.PeopleUrl(), model);

        Assert.Equal(5, service.Requests.Count);
        foreach (var (path, headers) in service.Requests)
        {
            Assert.Equal(PowerQueryHeaders.UserAgent, headers["User-Agent"]);
            Assert.Equal("4.0", headers["OData-MaxVersion"]);
            Assert.Equal("3.0", headers["MaxDataServiceVersion"]);
            Assert.Equal("gzip, deflate", headers["Accept-Encoding"]);
            Assert.Equal(PowerQueryHeaders.Accept, headers["Accept"]);
            Assert.False(headers.ContainsKey("Authorization"), path);
        }
    }

    [Fact]
    public async Task Keeps_select_and_filter_through_pages()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http);
        var model = await client.GetMetadataAsync(service.Root);

        var feed = await client.ReadFeedAsync(service.PeopleUrl("?$select=Id,姓名&$filter=Id gt 0"), model);

        Assert.Equal(3, feed.PageCount);
        Assert.Equal(8, feed.Rows.Count);
        Assert.All(feed.Rows, r => Assert.Equal(["Id", "姓名"], r.Keys.Order()));
    }

    [Fact]
    public async Task Basic_credentials_are_sent_and_a_401_challenge_is_an_OData_error()
    {
        var behavior = new FakeBehavior { RequireBasic = ("worker", "api-key-1") };
        await using var service = await FakeODataService.StartAsync(behavior);

        var anonymous = new StrictODataClient(service.Http);
        var error = await anonymous.GetErrorAsync(service.Root);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("Unauthorized", error.Code);
        Assert.Contains(error.WwwAuthenticate, c => c.StartsWith("Basic realm=", StringComparison.Ordinal));

        var client = new StrictODataClient(service.Http, "worker", "api-key-1");
        var serviceDocument = await client.GetServiceDocumentAsync(service.Root);
        Assert.Equal(["People"], serviceDocument.EntitySetNames);
    }

    [Fact]
    public async Task GetError_returns_code_and_message_of_an_OData_error()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http);

        var error = await client.GetErrorAsync(service.PeopleUrl("?$apply=groupby((姓名))"));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("NotSupported", error.Code);
        Assert.Equal("不支持 $apply。", error.Message);
    }

    [Fact]
    public async Task GetError_fails_on_a_stack_trace()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http);

        var e = await Assert.ThrowsAsync<StrictODataException>(() => client.GetErrorAsync(new Uri(service.Root, "Crash")));
        Assert.Contains("stack trace", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetError_fails_when_the_request_succeeds()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http);

        var e = await Assert.ThrowsAsync<StrictODataException>(() => client.GetErrorAsync(service.PeopleUrl("?$filter=Id eq 1")));
        Assert.Contains("expected an error status", e.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------ negative cases

    [Fact]
    public async Task Fails_on_a_relative_nextLink()
    {
        var e = await ReadFailsAsync(new FakeBehavior { RelativeNextLink = true });
        Assert.Contains("is relative", e.Problem, StringComparison.Ordinal);
        Assert.Contains("$skiptoken", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_on_a_nextLink_that_drops_select()
    {
        var e = await ReadFailsAsync(new FakeBehavior { NextLinkDropsSelect = true }, "?$select=Id,姓名");
        Assert.Contains("drops $select", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_on_a_nextLink_to_another_host()
    {
        var e = await ReadFailsAsync(new FakeBehavior { NextLinkOtherHost = true });
        Assert.Contains("is not on the service's", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_on_a_duplicate_key_across_pages()
    {
        var e = await ReadFailsAsync(new FakeBehavior { DuplicateKeyAcrossPages = true });
        Assert.Contains("duplicate key (Id=3) on page 2, already on page 1", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_on_two_OData_Version_headers()
    {
        var e = await ReadFailsAsync(new FakeBehavior { TwoODataVersionHeadersOnPages = true });
        Assert.Contains("2 OData-Version headers", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_on_an_empty_string_for_a_Date()
    {
        var e = await ReadFailsAsync(new FakeBehavior { DateAsEmptyString = true });
        Assert.Contains("ODataMessageReader rejected the page", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_on_metadata_served_as_JSON()
    {
        await using var service = await FakeODataService.StartAsync(new FakeBehavior { MetadataAsJson = true });
        var client = new StrictODataClient(service.Http);

        var e = await Assert.ThrowsAsync<StrictODataException>(() => client.GetMetadataAsync(service.Root));
        Assert.Contains("expected application/xml", e.Problem, StringComparison.Ordinal);
        Assert.EndsWith("$metadata", e.Url!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_on_a_wrong_service_document_context()
    {
        await using var service = await FakeODataService.StartAsync(new FakeBehavior { WrongServiceDocumentContext = true });
        var client = new StrictODataClient(service.Http);

        var e = await Assert.ThrowsAsync<StrictODataException>(() => client.GetServiceDocumentAsync(service.Root));
        Assert.Contains("@odata.context is '$metadata'", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fails_when_compression_is_required_but_not_used()
    {
        await using var service = await FakeODataService.StartAsync(new FakeBehavior { Compress = false });
        var client = new StrictODataClient(service.Http, new StrictODataClientOptions { RequireCompressionAboveBytes = 100 });

        var e = await Assert.ThrowsAsync<StrictODataException>(() => client.GetServiceDocumentAsync(service.Root));
        Assert.Contains("came uncompressed", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compression_requirement_passes_against_a_gzip_server()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http, new StrictODataClientOptions { RequireCompressionAboveBytes = 100 });
        var model = await client.GetMetadataAsync(service.Root);

        var feed = await client.ReadFeedAsync(service.PeopleUrl(), model);
        Assert.Equal(8, feed.Rows.Count);
    }

    [Fact]
    public async Task Fails_when_Prefer_maxpagesize_is_not_applied()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http, new StrictODataClientOptions { PreferMaxPageSize = 3 });
        var model = ODataModelRules.ParseMetadata(FakeODataService.MetadataXml);

        var e = await Assert.ThrowsAsync<StrictODataException>(() => client.ReadFeedAsync(service.PeopleUrl(), model));
        Assert.Contains("Preference-Applied", e.Problem, StringComparison.Ordinal);
        Assert.All(service.Requests, r => Assert.Equal("odata.maxpagesize=3", r.Headers["Prefer"]));
    }

    [Fact]
    public async Task Stops_after_maxPages()
    {
        await using var service = await FakeODataService.StartAsync();
        var client = new StrictODataClient(service.Http);
        var model = ODataModelRules.ParseMetadata(FakeODataService.MetadataXml);

        var e = await Assert.ThrowsAsync<StrictODataException>(() => client.ReadFeedAsync(service.PeopleUrl(), model, default, maxPages: 2));
        Assert.Contains("more than 2 pages", e.Problem, StringComparison.Ordinal);
    }

    private static async Task<StrictODataException> ReadFailsAsync(FakeBehavior behavior, string query = "")
    {
        await using var service = await FakeODataService.StartAsync(behavior);
        var client = new StrictODataClient(service.Http);
        IEdmModel model = ODataModelRules.ParseMetadata(FakeODataService.MetadataXml);
        return await Assert.ThrowsAsync<StrictODataException>(() => client.ReadFeedAsync(service.PeopleUrl(query), model));
    }
}
