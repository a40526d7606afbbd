using DataHub.Host.Composition;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using DataHub.Simulators.Population;
using DataHub.TestKit.OData;
using Xunit;

namespace DataHub.Host.Tests.Web;

/// <summary>
/// The demo as a running server: simulated export, real ingestion, Kestrel on a free loopback port.
/// Shared by the web tests (read-only), so the export is generated and ingested once.
/// </summary>
public sealed class DemoServer : IAsyncLifetime
{
    public const int PageSize = 400;
    private readonly HostFixture _fx = new();
    private WebApplication? _app;

    public DataHubEngine Engine { get; private set; } = null!;

    public PopulationExportManifest Manifest { get; private set; } = null!;

    public IReadOnlyList<DemoCredential> Credentials { get; private set; } = [];

    public Uri BaseUri { get; private set; } = null!;

    public Uri ServiceRoot => new(BaseUri, "/odata/");

    public async Task InitializeAsync()
    {
        Engine = await _fx.OpenEngineAsync();
        Credentials = await DemoPrincipals.EnsureAsync(Engine.Catalog, Engine.Data.CredentialsPath, default);
        var (source, manifest) = await DemoSetup.PrepareAsync(Engine, rows: 5000, seed: 11, default);
        Manifest = manifest;
        var report = await Engine.Runner.RunAsync(source, default);
        Assert.True(report.Succeeded, report.ToText());
        await DemoOpenList.EnsureAsync(Engine.Catalog, default);
        // Configured as behind a reverse proxy on loopback, as a deployment with nginx in front is,
        // so forwarded headers from the test client are honoured (FeedAccessTests checks nextLinks).
        _app = DataHubWebApp.Create(Engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = PageSize, TrustedProxies = [System.Net.IPAddress.Loopback] });
        await _app.StartAsync();
        await _app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
        BaseUri = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(_app) + "/");
    }

    public DemoCredential Credential(string name) => Credentials.Single(c => c.Name == name);

    /// <summary>A Power Query–like client signed in as a demo principal (Basic, user + password).</summary>
    public StrictODataClient Client(string principal, int? preferMaxPageSize = null)
    {
        var c = Credential(principal);
        return new StrictODataClient(new HttpClient(), new StrictODataClientOptions { UserName = c.Name, Password = c.Password, PreferMaxPageSize = preferMaxPageSize });
    }

    public Uri Feed(string query = "") => new(ServiceRoot, "Population" + query);

    public int AcceptedWithin(string scope) => Manifest.AcceptedByCommunity.Where(kv => kv.Key.StartsWith(scope, StringComparison.Ordinal)).Sum(kv => kv.Value);

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _fx.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DemoServerCollection : ICollectionFixture<DemoServer>
{
    public const string Name = "demo server";
}
