using DataHub.Catalog;
using DataHub.Connectors;
using DataHub.Connectors.Abstractions;
using DataHub.Pipelines.Ingestion;
using Microsoft.Extensions.Logging;

namespace DataHub.Host.Composition;

/// <summary>The engine parts one instance shares: catalog, connectors and the ingestion runner.</summary>
public sealed class DataHubEngine
{
    private DataHubEngine(DataDirectory data, DataHubCatalog catalog, IngestionRunner runner, TimeProvider time)
    {
        Data = data;
        Catalog = catalog;
        Runner = runner;
        Time = time;
    }

    public DataDirectory Data { get; }

    public DataHubCatalog Catalog { get; }

    public IngestionRunner Runner { get; }

    public TimeProvider Time { get; }

    public static async Task<DataHubEngine> OpenAsync(DataDirectory data, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        data.EnsureExists();
        var catalog = await DataHubCatalog.OpenSqliteAsync(data.CatalogPath, time, cancellationToken);
        var options = new IngestionOptions
        {
            LakeRoot = data.LakeRoot,
            RecordIdKey = SecretFiles.LoadOrCreate(data.RecordIdKeyPath),
        };
        var connectors = new ConnectorRegistry(ConnectorCatalog.BuiltIn());
        var runner = new IngestionRunner(catalog, connectors, options, time, loggers.CreateLogger<IngestionRunner>());
        return new DataHubEngine(data, catalog, runner, time);
    }
}
