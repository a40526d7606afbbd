using DataHub.Host.Composition;
using DataHub.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Host.Tests;

/// <summary>A data folder in a temp directory with an opened engine (real SQLite, DuckDB, lake).</summary>
public sealed class HostFixture : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("host");

    public DataDirectory Data => new(_dir.Path);

    public Task<DataHubEngine> OpenEngineAsync() => DataHubEngine.OpenAsync(Data, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}
