using DataHub.Catalog.Datasets;
using DataHub.Catalog.OpenList;
using DataHub.Host.Cli;
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
using Microsoft.Playwright;
using Xunit;

namespace DataHub.Host.UiTests;

/// <summary>
/// The host as a district runs it, for the browser tests: a real data folder with the demo's
/// population export ingested, Kestrel on a free loopback port, a fake clock the tests advance, and
/// Playwright driving Debian's chromium (<c>DATAHUB_CHROMIUM</c>, default /usr/bin/chromium; never a
/// downloaded browser), each browser with a fresh profile folder.
/// </summary>
public sealed class UiServer : IAsyncLifetime
{
    public const string ChromiumVariable = "DATAHUB_CHROMIUM";
    public const string MaqunCommunity = "320113002001";
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
        _app = DataHubWebApp.Create(Engine, new WebOptions { Urls = "http://127.0.0.1:0", PageSize = 500 });
        await _app.StartAsync();
        await _app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
        BaseUri = new Uri(ServeCommand.BoundAddress(_app) + "/");
        _playwright = await Playwright.CreateAsync();
    }

    public DemoCredential Credential(string name) => Credentials.Single(c => c.Name == name);

    /// <summary>Today's date in Beijing by the fake clock, as a date input takes it.</summary>
    public string TodayInBeijing => Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public Uri PopulationFeed => new(ServiceRoot, "Population?$count=true");

    /// <summary>A headless chromium with a fresh profile, a 1366x768 window and zh-CN locale.</summary>
    public async Task<Browser> NewBrowserAsync()
    {
        var profile = new TempDirectory("chromium-profile");
        var context = await _playwright!.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
            BaseURL = BaseUri.ToString().TrimEnd('/'),
        });
        context.SetDefaultTimeout(15_000);
        return new Browser(context, profile, this);
    }

    /// <summary>A Power Query–like client with Basic credentials.</summary>
    public static StrictODataClient Feed(string user, string password) =>
        new(new HttpClient(), new StrictODataClientOptions { UserName = user, Password = password });

    public async Task DisposeAsync()
    {
        _playwright?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

/// <summary>One browser (its own profile, so its own cookies) and the page a user clicks in.</summary>
public sealed class Browser(IBrowserContext context, TempDirectory profile, UiServer server) : IAsyncDisposable
{
    private IPage? _page;

    public IBrowserContext Context => context;

    public async Task<IPage> PageAsync() => _page ??= context.Pages.FirstOrDefault() ?? await context.NewPageAsync();

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
        profile.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class UiServerCollection : ICollectionFixture<UiServer>
{
    public const string Name = "ui server";
}
