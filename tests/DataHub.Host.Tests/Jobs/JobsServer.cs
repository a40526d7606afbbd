using System.Net.Http.Headers;
using System.Text;
using DataHub.Catalog.Runs;
using DataHub.Core.Access;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Jobs;
using DataHub.Host.Web;
using DataHub.TestKit;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Host.Tests.Jobs;

/// <summary>A web host with scheduled jobs on (Hangfire on SQLite in its data folder) and the demo source declared.</summary>
internal sealed class JobsServer : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("jobs");
    private WebApplication _app = null!;

    public DataHubEngine Engine { get; private set; } = null!;

    public string SourceFile { get; private set; } = "";

    public Uri BaseUri { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<JobsServer> StartAsync(int rows = 600, Action<JobsOptions>? configure = null)
    {
        var s = new JobsServer();
        s.Engine = await DataHubEngine.OpenAsync(new DataDirectory(s._dir.Path), TimeProvider.System, NullLoggerFactory.Instance, default);
        (s.SourceFile, _) = await DemoSetup.PrepareAsync(s.Engine, rows, seed: 7, default);
        var jobs = new JobsOptions { QueuePollInterval = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(jobs);
        s._app = DataHubWebApp.Create(s.Engine, new WebOptions { Urls = "http://127.0.0.1:0", Jobs = jobs });
        await s._app.StartAsync();
        s.BaseUri = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(s._app) + "/");
        return s;
    }

    public IRecurringJobManager Recurring => Services.GetRequiredService<IRecurringJobManager>();

    public IBackgroundJobClient Client => Services.GetRequiredService<IBackgroundJobClient>();

    public JobStorage Storage => Services.GetRequiredService<JobStorage>();

    /// <summary>Waits until the catalog has <paramref name="count"/> finished runs.</summary>
    public async Task<IReadOnlyList<RunEntry>> WaitForFinishedRunsAsync(int count, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var runs = await Engine.Catalog.Runs.RecentAsync(null, 100, default);
            var finished = runs.Where(r => r.Status != RunStatus.Running).ToList();
            if (finished.Count >= count) return finished;
            if (DateTimeOffset.UtcNow > until) throw new TimeoutException($"{finished.Count} of {count} runs finished");
            await Task.Delay(200);
        }
    }

    /// <summary>A client signed in as a new principal of the role.</summary>
    public async Task<HttpClient> ClientForAsync(Role role, string scope = "320113")
    {
        var name = "u-" + role.ToString().ToLowerInvariant();
        await Engine.Catalog.Principals.UpsertAsync(new Principal(name, name, role, scope), "pw-" + name + "-123456", null, default);
        var http = new HttpClient { BaseAddress = BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:pw-{name}-123456")));
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
