using DataHub.Catalog;
using DataHub.Pipelines.Ingestion;

namespace DataHub.Host.Composition;

/// <summary>
/// The engine parts one instance shares: catalog, connectors and the ingestion runner, resolved from
/// the one set of registrations the CLI verbs and the web host share (<see cref="DataHubServices"/>).
/// </summary>
public sealed class DataHubEngine
{
    internal DataHubEngine(DataDirectory data, DataHubCatalog catalog, IngestionRunner runner, TimeProvider time, ILoggerFactory loggers,
        IServiceCollection registrations, IServiceProvider services)
    {
        Registrations = registrations;
        Services = services;
        Loggers = loggers;
        Data = data;
        Catalog = catalog;
        Runner = runner;
        Time = time;
    }

    public DataDirectory Data { get; }

    /// <summary>The registrations this engine was built from (the web host imports them).</summary>
    internal IServiceCollection Registrations { get; }

    /// <summary>The container those registrations were built into; its singletons are this engine's parts.</summary>
    internal IServiceProvider Services { get; }

    public DataHubCatalog Catalog { get; }

    public IngestionRunner Runner { get; }

    public TimeProvider Time { get; }

    /// <summary>Where this instance logs (the data folder's log file for the CLI and serve; tests pass a null factory).</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>Environment variable naming a PostgreSQL catalog (an Npgsql connection string).</summary>
    public const string CatalogPostgresVariable = "DATAHUB_CATALOG_POSTGRES";

    /// <summary>
    /// Opens an instance on a data folder. The catalog is the folder's SQLite file unless
    /// <paramref name="catalogPostgres"/> (or the <see cref="CatalogPostgresVariable"/> environment
    /// variable) names a PostgreSQL database; the lake and the secrets stay in the folder either way.
    /// </summary>
    public static async Task<DataHubEngine> OpenAsync(DataDirectory data, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken, string? catalogPostgres = null,
        Func<IngestionOptions, IngestionOptions>? configure = null)
    {
        FileModes.RestrictNewFiles();
        data.EnsureExists();
        catalogPostgres ??= Environment.GetEnvironmentVariable(CatalogPostgresVariable) is { Length: > 0 } fromEnv ? fromEnv : null;
        var catalog = catalogPostgres is null
            ? await DataHubCatalog.OpenSqliteAsync(data.CatalogPath, time, cancellationToken)
            : await DataHubCatalog.OpenPostgresAsync(catalogPostgres, time, cancellationToken);
        data.RestrictCatalogFiles();
        var options = new IngestionOptions
        {
            LakeRoot = data.LakeRoot,
            RecordIdKey = SecretFiles.LoadOrCreate(data.RecordIdKeyPath),
        };
        if (configure is not null) options = configure(options);
        // Not disposed with the engine: its singletons (catalog, runner) live as long as the process uses them.
        return new ServiceCollection().AddDataHubEngine(data, catalog, options, time, loggers).BuildServiceProvider().GetRequiredService<DataHubEngine>();
    }
}
