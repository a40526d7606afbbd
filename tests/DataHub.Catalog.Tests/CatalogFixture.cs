using DataHub.TestKit;
using Microsoft.Data.Sqlite;

namespace DataHub.Catalog.Tests;

/// <summary>A new SQLite catalog in a temp folder for each test.</summary>
public sealed class CatalogFixture : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("catalog");

    public FakeTime Time { get; } = new();

    public string Path => _dir.File("catalog.db");

    public Task<DataHubCatalog> OpenAsync() => DataHubCatalog.OpenSqliteAsync(Path, Time, CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
