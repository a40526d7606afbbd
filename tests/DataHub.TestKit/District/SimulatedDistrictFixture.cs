using DataHub.Simulators.District;
using DataHub.Simulators.District.Servers;
using Xunit;

namespace DataHub.TestKit.District;

/// <summary>
/// A small simulated district (800 police rows by default) generated into a temp data folder, with
/// its REST and FHIR servers running on loopback. One per test class (IClassFixture); classes that
/// advance the district get their own.
/// </summary>
public class SimulatedDistrictFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("district");

    public DistrictPaths Paths { get; private set; } = null!;
    public DistrictTruth Truth { get; private set; } = null!;
    public DistrictServer Server { get; private set; } = null!;

    /// <summary>The data folder (sources/, secrets/, simulator/ inside).</summary>
    public string DataRoot => _dir.Path;

    protected virtual DistrictOptions Options => ReferenceDistricts.Options();

    public async Task InitializeAsync()
    {
        Paths = new DistrictPaths(_dir.Path);
        Truth = await SimulatedDistrict.GenerateAsync(Options, Paths, postgres: null, CancellationToken.None);
        Server = await DistrictServer.StartAsync(Paths);
    }

    /// <summary>One day of changes; the servers answer with them at once.</summary>
    public async Task<DistrictTruth> AdvanceAsync()
    {
        Truth = await SimulatedDistrict.AdvanceAsync(Paths, postgres: null, CancellationToken.None);
        return Truth;
    }

    /// <summary>The API key the simulated 市场监管 API issued.</summary>
    public string ApiKey => File.ReadAllText(Paths.ApiKey).Trim();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
