using DataHub.Catalog.Datasets;
using DataHub.Catalog.OpenList;
using DataHub.Core.Access;
using DataHub.Core.Standards;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using DataHub.Simulators.Population;
using DataHub.TestKit;
using DataHub.TestKit.OData;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace DataHub.Host.Tests.Security;

/// <summary>
/// A real server (Kestrel on loopback, SQLite catalog, DuckDB over the demo lake) on a fake clock,
/// with an open list made for probing: the street level in full, 马群社区 a field subset
/// (性别, 社区代码), 青马社区 a grant that has expired, the district level (analyst, operator)
/// aggregate-only, 尧化社区 nothing, and a disabled worker of 马群社区.
/// </summary>
public sealed class GrantedServer : IAsyncLifetime
{
    public const int PageSize = 400;
    public const string Password = "matrix-password-1";
    public const string Outsider = "yaohua-community";
    public const string Disabled = "disabled-worker";
    private readonly TempDirectory _dir = new("granted");
    private WebApplication? _app;

    public FakeTime Time { get; } = new();

    public DataHubEngine Engine { get; private set; } = null!;

    public PopulationExportManifest Manifest { get; private set; } = null!;

    public IReadOnlyList<DemoCredential> Credentials { get; private set; } = [];

    public Uri ServiceRoot { get; private set; } = null!;

    public Principal Steward => DemoPrincipals.All.Single(p => p.Name == "steward");

    public async Task InitializeAsync()
    {
        Engine = await DataHubEngine.OpenAsync(new DataDirectory(_dir.Path), Time, NullLoggerFactory.Instance, default);
        Credentials = await DemoPrincipals.EnsureAsync(Engine.Catalog, Engine.Data.CredentialsPath, default);
        await Engine.Catalog.Principals.AddAsync(new Principal(Outsider, "尧化社区网格员", Role.CommunityWorker, "320113001001"), Password, "test", default);
        await Engine.Catalog.Principals.AddAsync(new Principal(Disabled, "马群社区（将停用）", Role.CommunityWorker, "320113002001"), Password, "test", default);
        var (source, manifest) = await DemoSetup.PrepareAsync(Engine, rows: 3000, seed: 17, default);
        Manifest = manifest;
        Assert.True((await Engine.Runner.RunAsync(source, default)).Succeeded);

        var list = Engine.Catalog.OpenList;
        await list.AddAsync(Spec(DivisionLevel.Street, [], null, false), Steward, default);
        await list.AddAsync(Spec(null, ["320113002001"], ["性别", "社区代码"], false), Steward, default);
        await list.AddAsync(Spec(null, ["320113002002"], null, false) with { ValidUntil = Time.GetUtcNow().AddDays(1) }, Steward, default);
        await list.AddAsync(Spec(DivisionLevel.District, [], null, true), Steward, default);
        Time.Advance(TimeSpan.FromDays(2));

        _app = DataHubWebApp.Create(Engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = PageSize });
        await _app.StartAsync();
        await _app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
        ServiceRoot = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(_app) + "/odata/");
    }

    public static GrantSpec Spec(DivisionLevel? level, IReadOnlyList<string> units, IReadOnlyList<string>? fields, bool aggregateOnly) =>
        new("population", level, units, fields, aggregateOnly, ShareTypes.Conditional, "测试用共享条件", null, null, null);

    public string SecretOf(string name) => Credentials.FirstOrDefault(c => c.Name == name)?.Password ?? Password;

    public StrictODataClient Client(string name, string? password = null, int? preferMaxPageSize = null) =>
        new(new HttpClient(), new StrictODataClientOptions { UserName = name, Password = password ?? SecretOf(name), PreferMaxPageSize = preferMaxPageSize });

    public HttpClient Http(string name, string? password = null)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{name}:{password ?? SecretOf(name)}")));
        return http;
    }

    public Uri Url(string relative) => new(ServiceRoot, relative);

    public int AcceptedWithin(string scope) => Manifest.AcceptedByCommunity.Where(kv => kv.Key.StartsWith(scope, StringComparison.Ordinal)).Sum(kv => kv.Value);

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
