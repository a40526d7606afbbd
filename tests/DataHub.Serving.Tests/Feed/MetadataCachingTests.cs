using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Feed;

/// <summary>$metadata carries an ETag per role and versions; If-None-Match with it answers 304 without a body.</summary>
public sealed class MetadataCachingTests(TestLake lake) : IClassFixture<TestLake>
{
    private Task<Kit.FeedResponse> Metadata(DataHub.Core.Access.Principal principal, string? ifNoneMatch = null) =>
        lake.Client.GetAbsoluteAsync(principal, new Uri(lake.Client.Root, "$metadata"), ifNoneMatch: ifNoneMatch);

    [Fact]
    public async Task Metadata_IfNoneMatchWithItsETag_304WithoutBody()
    {
        var first = await Metadata(Principals.Steward);
        var etag = first.Header("ETag");
        Assert.NotNull(etag);
        Assert.StartsWith("\"", etag, StringComparison.Ordinal);

        var again = await Metadata(Principals.Steward, etag);

        Assert.Equal(304, again.Status);
        Assert.Empty(again.BodyBytes);
        Assert.Equal(etag, again.Header("ETag"));
        Assert.Equal(200, (await Metadata(Principals.Steward, "\"something-else\"")).Status);
        Assert.Equal(304, (await Metadata(Principals.Steward, "\"x\", W/" + etag)).Status);
    }

    [Fact]
    public async Task Metadata_OtherRole_OtherETag()
    {
        var steward = (await Metadata(Principals.Steward)).Header("ETag");
        var worker = await Metadata(Principals.CommunityWorkerA1, steward);

        Assert.Equal(200, worker.Status);
        Assert.NotEqual(steward, worker.Header("ETag"));
        Assert.Equal("private, no-cache", worker.Header("Cache-Control"));
    }
}
