using DataHub.Core.Failures;
using DataHub.Serving.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace DataHub.Serving.Tests;

public sealed class ServingServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddDataHubServing_WithHostCatalog_ResolvesWorkingService()
    {
        using var lake = new TestLake();
        var services = new ServiceCollection()
            .AddSingleton<IServedDatasets>(lake.Datasets)
            .AddDataHubServing(o => o.Secret = TestLake.Secret);
        await using var provider = services.BuildServiceProvider();

        var client = new FeedClient(provider.GetRequiredService<ODataFeedService>());
        var response = await client.GetAsync(Principals.Steward, "Population/$count");

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public void AddDataHubServing_InvalidOptions_ThrowsAtRegistration()
    {
        var error = Assert.Throws<DataHubException>(() => new ServiceCollection().AddDataHubServing(o => o.Secret = "short"));
        Assert.Equal(FailureKind.Config, error.Kind);
    }
}
