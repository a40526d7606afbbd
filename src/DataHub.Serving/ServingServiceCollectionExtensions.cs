using DataHub.Serving.Access;
using DataHub.Serving.Engine;
using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Serving;

/// <summary>Registers the serving layer; the host adds its own <see cref="IServedDatasets"/>.</summary>
public static class ServingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ServingOptions"/>, the embedded <see cref="AccessPolicy"/>, the
    /// <see cref="DuckDbEngine"/> and <see cref="ODataFeedService"/> as singletons. The options and the
    /// policy are validated here, at startup: a defect throws a config <c>DataHubException</c> now
    /// rather than on the first request.
    /// </summary>
    public static IServiceCollection AddDataHubServing(this IServiceCollection services, Action<ServingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ServingOptions();
        configure(options);
        options.Validate();
        var policy = AccessPolicy.LoadEmbedded();

        services.AddSingleton(options);
        services.AddSingleton(policy);
        services.AddSingleton<DuckDbEngine>();
        services.AddSingleton<ODataFeedService>();
        return services;
    }
}
