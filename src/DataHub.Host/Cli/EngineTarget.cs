using DataHub.Host.Composition;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Host.Cli;

/// <summary>The options every verb shares: the data folder (<c>--data</c>) and where the catalog lives (<c>--catalog-postgres</c>).</summary>
internal sealed record EngineTarget(DataDirectory Data, string? CatalogPostgres)
{
    public static EngineTarget From(ParsedArgs args) =>
        new(new DataDirectory(args.Option("data") ?? DataDirectory.DefaultRoot), args.Option("catalog-postgres"));

    /// <summary>The PostgreSQL catalog in effect: the option, else the environment variable, else none (SQLite).</summary>
    public string? EffectiveCatalogPostgres =>
        CatalogPostgres ?? (Environment.GetEnvironmentVariable(DataHubEngine.CatalogPostgresVariable) is { Length: > 0 } v ? v : null);

    /// <summary>Opens the engine and runs start-up recovery (what killed processes left behind).</summary>
    public async Task<DataHubEngine> OpenAsync(CancellationToken cancellationToken)
    {
        var engine = await DataHubEngine.OpenAsync(Data, TimeProvider.System, NullLoggerFactory.Instance, cancellationToken, CatalogPostgres);
        await engine.Runner.RecoverAsync(cancellationToken);
        return engine;
    }
}
