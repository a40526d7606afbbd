using DataHub.TestKit;
using Microsoft.Data.Sqlite;

namespace DataHub.Catalog.Tests;

/// <summary>An empty catalog for one test, on one of the two supported databases.</summary>
public abstract class CatalogFixture : IAsyncDisposable
{
    public FakeTime Time { get; } = new();

    /// <summary>Opens the catalog; a second call opens the same database again.</summary>
    public abstract Task<DataHubCatalog> OpenAsync();

    public abstract ValueTask DisposeAsync();
}

/// <summary>The embedded default: a SQLite file in a temp folder.</summary>
public sealed class SqliteCatalogFixture : CatalogFixture
{
    private readonly TempDirectory _dir = new("catalog");

    public override Task<DataHubCatalog> OpenAsync() => DataHubCatalog.OpenSqliteAsync(_dir.File("catalog.db"), Time, CancellationToken.None);

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The bigger deployment: a fresh schema on the PostgreSQL server the test script starts.</summary>
public sealed class PostgresCatalogFixture : CatalogFixture
{
    private PostgresSchema? _schema;

    public override async Task<DataHubCatalog> OpenAsync()
    {
        _schema ??= await PostgresSchema.CreateAsync();
        return await DataHubCatalog.OpenPostgresAsync(_schema.ConnectionString, Time, CancellationToken.None);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_schema is not null) await _schema.DisposeAsync();
    }
}
