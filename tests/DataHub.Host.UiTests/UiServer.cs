using DataHub.Catalog.Datasets;
using DataHub.Catalog.OpenList;
using DataHub.Host.Cli;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Jobs;
using DataHub.Host.Web;
using DataHub.Simulators.Population;
using DataHub.TestKit;
using DataHub.TestKit.OData;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>
/// The host as a district runs it, for the browser tests: a real data folder with the demo's
/// population export ingested, Kestrel on a free loopback port, a fake clock the tests advance, and
/// Playwright driving Debian's chromium (<c>DATAHUB_CHROMIUM</c>, default /usr/bin/chromium; never a
/// downloaded browser): one chromium for the whole collection, a fresh context per simulated person.
/// </summary>
public sealed class UiServer : IAsyncLifetime
{
    public const string ChromiumVariable = "DATAHUB_CHROMIUM";
    public const string MaqunCommunity = "320113002001";
    public const string DemoSourceId = "gongan-population";
    private readonly TempDirectory _dir = new("ui");
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public FakeTime Clock { get; } = new(DateTimeOffset.UtcNow);

    public DataHubEngine Engine { get; private set; } = null!;

    public PopulationExportManifest Manifest { get; private set; } = null!;

    public IReadOnlyList<DemoCredential> Credentials { get; private set; } = [];

    public Uri BaseUri { get; private set; } = null!;

    public Uri ServiceRoot => new(BaseUri, "/odata/");

    public IServiceProvider Services => _app!.Services;

    public static string ChromiumPath => Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static string ScreenshotFolder => Directory.CreateDirectory(RepoPaths.File(Path.Combine("TestResults", "screenshots"))).FullName;

    public async Task InitializeAsync()
    {
        Engine = await DataHubEngine.OpenAsync(new DataDirectory(_dir.Path), Clock, NullLoggerFactory.Instance, default);
        Credentials = await DemoPrincipals.EnsureAsync(Engine.Catalog, Engine.Data.CredentialsPath, default);
        var (source, manifest) = await DemoSetup.PrepareAsync(Engine, rows: 3000, seed: 5, default);
        Manifest = manifest;
        var report = await Engine.Runner.RunAsync(source, default);
        Assert.True(report.Succeeded, report.ToText());
        // One entry of the open list to start from: population for 马群社区 only. Every other grant a
        // test needs, it makes through the UI as a steward would.
        var steward = DemoPrincipals.All.Single(p => p.Name == "steward");
        await Engine.Catalog.OpenList.AddAsync(new GrantSpec("population", null, [MaqunCommunity], null, false, ShareTypes.Conditional,
            "仅用于本社区网格化服务管理", null, null, null), steward, default);
        // Jobs on (Hangfire on SQLite in the data folder) so the dashboard link and its cookie sign-in are
        // real; the demo source is scheduled for 1 January only, so no run starts during the tests.
        var jobs = new JobsOptions { WorkerCount = 1, Schedules = { [DemoSourceId] = "0 0 1 1 *" } };
        _app = DataHubWebApp.Create(Engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 500, Jobs = jobs });
        await _app.StartAsync();
        await _app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
        BaseUri = new Uri(ServeCommand.BoundAddress(_app) + "/");
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    public DemoCredential Credential(string name) => Credentials.Single(c => c.Name == name);

    /// <summary>Today's date in Beijing by the fake clock, as a date input takes it.</summary>
    public string TodayInBeijing => Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public Uri PopulationFeed => new(ServiceRoot, "Population?$count=true");

    /// <summary>
    /// A fresh browser context (its own cookies and storage, like a separate person's browser) with a
    /// 1366x768 window and zh-CN locale. All contexts share one headless chromium, started on first use:
    /// starting chromium is the slow part, a context is cheap.
    /// </summary>
    public async Task<Browser> NewBrowserAsync()
    {
        var chromium = await ChromiumAsync();
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
            BaseURL = BaseUri.ToString().TrimEnd('/'),
            AcceptDownloads = true,
        });
        // Generous waits: the machine running the tests may be busy (a wait only lasts this long when a test fails).
        context.SetDefaultTimeout(30_000);
        return new Browser(context, this);
    }

    private readonly SemaphoreSlim _launch = new(1, 1);
    private IBrowser? _chromium;

    private async Task<IBrowser> ChromiumAsync()
    {
        await _launch.WaitAsync();
        try
        {
            return _chromium ??= await _playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
        }
        finally
        {
            _launch.Release();
        }
    }

    /// <summary>A Power Query–like client with Basic credentials.</summary>
    public static StrictODataClient Feed(string user, string password) =>
        new(new HttpClient(), new StrictODataClientOptions { UserName = user, Password = password });

    /// <summary>The status of one Basic-authenticated request for the population feed (first row only).</summary>
    public async Task<System.Net.HttpStatusCode> FeedStatusAsync(string user, string password)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ServiceRoot, "Population?$top=1"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null) await _chromium.CloseAsync();
        _playwright?.Dispose();
        _launch.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

/// <summary>One person's browser (its own context, so its own cookies) and the page they click in.</summary>
public sealed class Browser(IBrowserContext context, UiServer server) : IAsyncDisposable
{
    private IPage? _page;

    public IBrowserContext Context => context;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IRequest, DateTimeOffset> _pending = new();

    public async Task<IPage> PageAsync()
    {
        if (_page is not null) return _page;
        _page = await context.NewPageAsync();
        // Requests still open, for the failure message of ArriveAtAsync.
        _page.Request += (_, r) => _pending[r] = DateTimeOffset.UtcNow;
        _page.RequestFinished += (_, r) => _pending.TryRemove(r, out DateTimeOffset _);
        _page.RequestFailed += (_, r) => _pending.TryRemove(r, out DateTimeOffset _);
        return _page;
    }

    /// <summary>Signs in through the form, as a person would: type the name and password, press the button.</summary>
    public async Task<IPage> SignInAsync(string user, string password)
    {
        var page = await PageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("用户名").FillAsync(user);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        return page;
    }

    /// <summary>
    /// Waits for the page to arrive at <paramref name="url"/>; when it does not, fails with where the
    /// page is instead, its alert text and a screenshot (<c>failed-&lt;name&gt;.png</c>), so a failure
    /// on a busy CI machine says what the browser showed rather than only "timeout".
    /// </summary>
    public async Task ArriveAtAsync(string url, string name)
    {
        var page = await PageAsync();
        try
        {
            // A polling assertion on the address, not WaitForURL: twice WaitForURL timed out with the page
            // already at the address, loaded, and no request open (it waits for a navigation event it had missed).
            await Assertions.Expect(page).ToHaveURLAsync(url, new() { Timeout = 30_000 });
        }
        catch (PlaywrightException)
        {
            var alert = await page.Locator("[role=alert]").AllInnerTextsAsync();
            await ScreenshotAsync("failed-" + name);
            var open = string.Join(", ", _pending.Select(p => $"{p.Key.Method} {p.Key.Url} since {p.Value:HH:mm:ss.fff}"));
            Assert.Fail($"Expected the page at {url}; it is at {page.Url} (title \"{await page.TitleAsync()}\", alerts: {string.Join(" | ", alert)}, requests still open: {open}). Screenshot: failed-{name}.png");
        }
    }

    public async Task SignOutAsync()
    {
        var page = await PageAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await page.WaitForURLAsync("**/signin");
    }

    public async Task ScreenshotAsync(string name)
    {
        var page = await PageAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(UiServer.ScreenshotFolder, name + ".png"), FullPage = true });
    }

    public UiServer Server => server;

    public async ValueTask DisposeAsync()
    {
        await context.CloseAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class UiServerCollection : ICollectionFixture<UiServer>
{
    public const string Name = "ui server";
}
