using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Catalog;

/// <summary>Registers an opened catalog for the CLI verbs and the web host alike (docs/ARCHITECTURE.md, composition).</summary>
public static class CatalogServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="catalog"/> and the parts of it that services take directly
    /// (principals, datasets, runs, the open list, the division reference). Opening is asynchronous
    /// (it migrates the schema), so the caller opens it (<see cref="DataHubCatalog.OpenSqliteAsync"/>
    /// or <see cref="DataHubCatalog.OpenPostgresAsync"/>) and registers the result.
    /// </summary>
    public static IServiceCollection AddDataHubCatalog(this IServiceCollection services, DataHubCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        services.AddSingleton(catalog);
        services.AddSingleton(catalog.Principals);
        services.AddSingleton(catalog.Datasets);
        services.AddSingleton(catalog.Runs);
        services.AddSingleton(catalog.OpenList);
        services.AddSingleton(catalog.Divisions);
        services.AddSingleton(catalog.Signal);
        return services;
    }
}
