using DataHub.Catalog;
using DataHub.Connectors;
using DataHub.Pipelines;
using DataHub.Pipelines.Ingestion;

namespace DataHub.Host.Composition;

/// <summary>
/// The one composition root. Every CLI verb and the web host get the engine from the same
/// registrations: <see cref="DataHubEngine.OpenAsync"/> builds them with
/// <see cref="AddDataHubEngine(IServiceCollection, DataDirectory, DataHubCatalog, IngestionOptions, TimeProvider, ILoggerFactory)"/>,
/// and the web host (<c>serve</c>, <c>demo</c>) imports that same set into its container with
/// <see cref="AddDataHubEngine(IServiceCollection, DataHubEngine)"/>, resolving to the same
/// instances, so one process has one catalog, one runner and one connector registry. The web host
/// adds what only it needs on top (serving, authentication, UI, jobs, freshness, metrics).
/// </summary>
internal static class DataHubServices
{
    /// <summary>The engine's registrations: data folder, clock, logs, catalog, connectors, pipelines and the engine itself.</summary>
    public static IServiceCollection AddDataHubEngine(this IServiceCollection services, DataDirectory data, DataHubCatalog catalog, IngestionOptions options,
        TimeProvider time, ILoggerFactory loggers)
    {
        services.AddSingleton(data);
        services.AddSingleton(time);
        services.AddSingleton(loggers);
        services.AddDataHubCatalog(catalog);
        services.AddDataHubConnectors();
        services.AddDataHubPipelines(options);
        services.AddSingleton(sp => new DataHubEngine(data, sp.GetRequiredService<DataHubCatalog>(), sp.GetRequiredService<IngestionRunner>(), time, loggers, services, sp));
        return services;
    }

    /// <summary>
    /// The engine's registrations in another container (the web host's), each resolving to the
    /// engine's own instance. The logger factory is left to the host (which forwards to the engine's
    /// log through <see cref="Web.EngineLogProvider"/>).
    /// </summary>
    public static IServiceCollection AddDataHubEngine(this IServiceCollection services, DataHubEngine engine)
    {
        foreach (var type in engine.Registrations.Select(d => d.ServiceType).Distinct())
        {
            if (type == typeof(ILoggerFactory)) continue;
            services.AddSingleton(type, _ => engine.Services.GetRequiredService(type));
        }
        return services;
    }
}
