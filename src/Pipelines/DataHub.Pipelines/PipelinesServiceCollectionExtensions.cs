using DataHub.Catalog;
using DataHub.Connectors.Abstractions;
using DataHub.Pipelines.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Pipelines;

/// <summary>Registers the ingestion runner (read, normalise, quarantine, stage, write Parquet, publish).</summary>
public static class PipelinesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="options"/> (validated now, so a defect fails at start-up) and one
    /// <see cref="IngestionRunner"/> over the registered catalog, connectors, <see cref="TimeProvider"/>
    /// and logger factory (a null logger when none is registered).
    /// </summary>
    public static IServiceCollection AddDataHubPipelines(this IServiceCollection services, IngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(sp => new IngestionRunner(
            sp.GetRequiredService<DataHubCatalog>(),
            sp.GetRequiredService<ConnectorRegistry>(),
            options,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<IngestionRunner>()));
        return services;
    }
}
