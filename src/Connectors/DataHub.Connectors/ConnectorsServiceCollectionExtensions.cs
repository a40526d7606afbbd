using DataHub.Connectors.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace DataHub.Connectors;

/// <summary>Registers the connectors a source definition can name.</summary>
public static class ConnectorsServiceCollectionExtensions
{
    /// <summary>The built-in connectors (<see cref="ConnectorCatalog.BuiltIn"/>) as one <see cref="ConnectorRegistry"/>.</summary>
    public static IServiceCollection AddDataHubConnectors(this IServiceCollection services)
    {
        services.AddSingleton(_ => new ConnectorRegistry(ConnectorCatalog.BuiltIn()));
        return services;
    }
}
