using System.Net.Http.Headers;
using System.Text;
using DataHub.Core.Access;
using DataHub.Host.Composition;
using DataHub.Host.Web;
using DataHub.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Host.Tests.Web;

/// <summary>
/// A server of its own (no data, a fake clock) for tests that change principals or trip the login
/// throttle, which would disturb the shared demo server. Real Kestrel on a free loopback port.
/// </summary>
public sealed class AuthServer : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("auth");
    private WebApplication _app = null!;

    public FakeTime Clock { get; } = new();

    public DataHubEngine Engine { get; private set; } = null!;

    public Uri BaseUri { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<AuthServer> StartAsync()
    {
        var server = new AuthServer();
        server.Engine = await DataHubEngine.OpenAsync(new DataDirectory(server._dir.Path), server.Clock, NullLoggerFactory.Instance, default);
        server._app = DataHubWebApp.Create(server.Engine, new WebOptions { Urls = "http://127.0.0.1:0" });
        await server._app.StartAsync();
        server.BaseUri = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(server._app) + "/");
        return server;
    }

    public Task AddAsync(string name, Role role, string scope, string password, string? apiKey = null) =>
        Engine.Catalog.Principals.UpsertAsync(new Principal(name, name, role, scope), password, apiKey, default);

    public Task DisableAsync(string name) => Engine.Catalog.Principals.SetDisabledAsync(name, true, "test-steward", default);

    public static HttpClient Basic(string user, string secret)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return http;
    }

    public Uri Root => new(BaseUri, "odata/");

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
