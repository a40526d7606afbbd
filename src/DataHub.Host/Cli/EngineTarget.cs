using DataHub.Host.Composition;

namespace DataHub.Host.Cli;

/// <summary>The options every verb shares: the data folder (<c>--data</c>) and where the catalog lives (<c>--catalog-postgres</c>).</summary>
internal sealed record EngineTarget(DataDirectory Data, string? CatalogPostgres, DataHubSettings Settings)
{
    /// <summary>The data folder and the settings in effect (appsettings.json, DATAHUB__ variables, then these options).</summary>
    public static EngineTarget From(ParsedArgs args)
    {
        var data = new DataDirectory(args.Option("data") ?? DataDirectory.DefaultRoot);
        var postgres = args.Option("catalog-postgres");
        var settings = DataHubSettings.Load(data.Root, new Dictionary<string, string?> { ["Catalog:Postgres"] = postgres }
            .Where(kv => kv.Value is not null).ToDictionary());
        return new(data, postgres, settings);
    }

    /// <summary>The PostgreSQL catalog in effect: the option, else configuration, else the environment variable, else none (SQLite).</summary>
    public string? EffectiveCatalogPostgres => Settings.Catalog.Postgres is { Length: > 0 } p ? p : null;

    /// <summary>Opens the engine and runs start-up recovery (what killed processes left behind).</summary>
    public async Task<DataHubEngine> OpenAsync(CancellationToken cancellationToken)
    {
        var ingestion = Settings.Ingestion;
        var engine = await DataHubEngine.OpenAsync(Data, TimeProvider.System, DataHubLogging.ForDataFolder(Data, TimeProvider.System), cancellationToken, EffectiveCatalogPostgres,
            o => o with { KeepVersions = ingestion.KeepVersions, DuckDbMemoryLimit = ingestion.DuckDbMemoryLimit, DuckDbThreads = ingestion.DuckDbThreads });
        await engine.Runner.RecoverAsync(cancellationToken);
        return engine;
    }
}
