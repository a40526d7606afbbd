using System.IO.Compression;
using DataHub.Host.Composition;
using DataHub.Host.Freshness;
using DataHub.Host.Jobs;
using DataHub.Host.Web.Auth;
using DataHub.Host.Web.Ui;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DataHub.Host.Web;

/// <summary>Settings of the web host, with their defaults.</summary>
public sealed record WebOptions
{
    /// <summary>Where Kestrel listens (default loopback only).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Rows per feed page before a nextLink (EXCEL-ODATA.md rule 14; default 5,000).</summary>
    public int PageSize { get; init; } = 5000;

    /// <summary>DuckDB memory limit for serving (default 1GB; the DuckDB default would take 80% of RAM).</summary>
    public string DuckDbMemoryLimit { get; init; } = "1GB";

    /// <summary>DuckDB threads for serving (default 2).</summary>
    public int DuckDbThreads { get; init; } = 2;

    /// <summary>Feed requests admitted at once before 503 + Retry-After (default 48; <see cref="DataHub.Serving.ServingOptions.MaxConcurrentRequests"/>).</summary>
    public int MaxConcurrentFeedRequests { get; init; } = 48;

    /// <summary>DuckDB query workers (default 4; <see cref="DataHub.Serving.ServingOptions.QueryWorkers"/>).</summary>
    public int QueryWorkers { get; init; } = 4;

    /// <summary>Nice value added to DuckDB's threads on Linux (default 0, off; <see cref="DataHub.Serving.ServingOptions.WorkerNice"/>).</summary>
    public int DuckDbWorkerNice { get; init; }

    /// <summary>Downloads admitted at once (default 2; <see cref="DataHub.Serving.ServingOptions.MaxConcurrentDownloads"/>).</summary>
    public int MaxConcurrentDownloads { get; init; } = 2;

    /// <summary>Time budget of one download (default 10 minutes; <see cref="DataHub.Serving.ServingOptions.DownloadTimeout"/>).</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Scheduled ingestion and the dashboard at /hangfire; null runs no jobs in this host (tests, demo).</summary>
    public Jobs.JobsOptions? Jobs { get; init; }

    /// <summary>Freshness checks, alerts and the Freshness entity set; null checks nothing in this host (tests, demo).</summary>
    public Freshness.FreshnessOptions? Freshness { get; init; }

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-*</c> headers are trusted (scheme, host and path prefix of
    /// nextLinks). Default none: the headers are ignored, so no client can rewrite nextLinks to another
    /// host. <c>serve --trusted-proxy 127.0.0.1</c> (or <c>DATAHUB_TRUSTED_PROXIES</c>) names them.
    /// </summary>
    public IReadOnlyList<System.Net.IPAddress> TrustedProxies { get; init; } = [];

    /// <summary>Adds a <c>Server-Timing</c> header to feed answers (the benchmark's per-stage timing). Default off.</summary>
    public bool ServerTiming { get; init; }

    /// <summary>The slowest a client may read a response before Kestrel drops it (after a grace period), so a client that never reads frees its slot. Default 4 KB/s.</summary>
    public double MinResponseBytesPerSecond { get; init; } = 4096;
}

/// <summary>The ASP.NET Core application: OData feeds, health, and the catalog UI.</summary>
public static class DataHubWebApp
{
    public static WebApplication Create(DataHubEngine engine, WebOptions options)
    {
        RaiseThreadPoolFloor();
        // The full builder (Razor Pages need MVC's services); the application name is this assembly, not
        // the test host's, so Razor Pages find their compiled pages when a test starts the host.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = engine.Data.Root,
            ApplicationName = typeof(DataHubWebApp).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("DataHub", LogLevel.Information);
        // The console, and the engine's log (the data folder's logs/datahub.log when run by the CLI).
        builder.Logging.AddProvider(new EngineLogProvider(engine.Loggers));
        // The same registrations as every CLI verb (catalog, connectors, pipelines: DataHubServices), then the web's own.
        builder.Services.AddDataHubEngine(engine);
        builder.Services.AddSingleton(options);
        builder.Services.AddDataHubAuthentication();
        builder.Services.AddFeeds(engine, options);
        builder.Services.AddDataHubUi(engine);
        builder.Services.AddDataHubMetrics();
        if (options.Jobs is { Enabled: true } jobs) builder.Services.AddDataHubJobs(engine, jobs);
        if (options.Freshness is { Enabled: true } freshness) builder.Services.AddDataHubFreshness(freshness);
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/json", "application/xml"]);
        });
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Trusted only from the proxies configured (none by default): ASP.NET's default trusts
            // loopback, which let any local client rewrite nextLinks with X-Forwarded-Host.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedPrefix;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in options.TrustedProxies) o.KnownProxies.Add(proxy);
        });
        // Power Query folds many filters into one URL; accept well over 8 KB of request line.
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestLineSize = 64 * 1024;
            // A client that stops reading is dropped after the grace period instead of holding its
            // page buffer and admission slot for as long as it likes.
            k.Limits.MinResponseDataRate = new MinDataRate(options.MinResponseBytesPerSecond, TimeSpan.FromSeconds(10));
        });

        var app = builder.Build();
        app.UseLiveFirst();
        if (options.TrustedProxies.Count > 0) app.UseForwardedHeaders();
        app.UseResponseCompression();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealth();
        app.MapFeeds();
        app.MapDataHubUi();
        app.MapRunReports();
        app.MapDataHubMetrics();
        if (options.Jobs is { Enabled: true }) app.MapDataHubJobs();
        return app;
    }

    /// <summary>
    /// A node also runs ingestion (scheduled jobs): its DuckDB statements and normalising workers hold
    /// pool threads for seconds at a time. With the default floor of one pool thread per core, a
    /// request arriving then waits for the pool to add a thread (about half a second each), which
    /// showed as /health/ready answers of 0.5-0.8 s during a 1M-row ingest (bench: health-during-ingest).
    /// A higher floor lets requests start at once; it costs idle threads, not CPU.
    /// </summary>
    private static void RaiseThreadPoolFloor()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var floor = Math.Max(workers, 8 * Environment.ProcessorCount);
        if (floor > workers) ThreadPool.SetMinThreads(floor, io);
    }
}
