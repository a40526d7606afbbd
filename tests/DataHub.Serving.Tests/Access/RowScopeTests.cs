using DataHub.Core.Access;
using DataHub.Serving.Access;
using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Access;

public sealed class RowScopeTests
{
    private static readonly AccessPolicy Policy = AccessPolicy.LoadEmbedded();

    private static RowScope For(Principal p, Core.Schema.DatasetSchema schema) => RowScope.For(p, Policy.For(p.Role), schema);

    [Fact]
    public void For_StreetWorker_RangeCoversExactlyTheStreetPrefix()
    {
        var scope = For(Principals.StreetWorkerA, TestSchemas.Population);
        Assert.Equal("community_code", scope.Column);
        string[] inside = [SyntheticData.CommunityA1, SyntheticData.CommunityA2, "320113001999"];
        string[] outside = [SyntheticData.CommunityB1, "320113000999", "320113002000", "32011300", "320114001001"];
        Assert.All(inside, c => Assert.True(string.CompareOrdinal(c, scope.Low) >= 0 && string.CompareOrdinal(c, scope.High) < 0, c));
        Assert.All(outside, c => Assert.False(string.CompareOrdinal(c, scope.Low) >= 0 && string.CompareOrdinal(c, scope.High) < 0, c));
    }

    [Fact]
    public void For_CommunityWorkerWithDistrictScope_Forbidden()
    {
        var misconfigured = new Principal("x", "x", Role.CommunityWorker, SyntheticData.District);
        var error = Assert.Throws<FeedError>(() => For(misconfigured, TestSchemas.Population));
        Assert.Equal(403, error.Status);
    }

    [Fact]
    public void For_MalformedScopeCode_Forbidden()
    {
        var malformed = new Principal("x", "x", Role.Steward, "32011");
        Assert.Equal(403, Assert.Throws<FeedError>(() => For(malformed, TestSchemas.Population)).Status);
    }

    [Fact]
    public void For_UnscopedDatasetAndStreetWorker_Forbidden()
    {
        var error = Assert.Throws<FeedError>(() => For(Principals.StreetWorkerA, TestSchemas.Summary));
        Assert.Equal(403, error.Status);
        Assert.Contains("区级", error.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void For_UnscopedDatasetAndDistrictPrincipal_NoRowCondition()
    {
        Assert.Null(For(Principals.Analyst, TestSchemas.Summary).Column);
    }
}
