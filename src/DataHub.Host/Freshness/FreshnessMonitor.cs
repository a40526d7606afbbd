using DataHub.Host.Composition;
using DataHub.Host.Web;

namespace DataHub.Host.Freshness;

/// <summary>
/// Judges every dataset against its 更新周期 (catalog clock), raises an alert once per transition
/// (log event 2100/2101 and the optional webhook; across nodes the catalog decides which node
/// raises it) and republishes the <c>Freshness</c> entity set when a row changed.
/// </summary>
public sealed class FreshnessMonitor
{
    private readonly DataHubEngine _engine;
    private readonly FreshnessWebhook _webhook;
    private readonly CatalogServedDatasets _served;
    private readonly ILogger<FreshnessMonitor> _logger;
    private readonly SemaphoreSlim _one = new(1, 1);

    internal FreshnessMonitor(DataHubEngine engine, FreshnessWebhook webhook, CatalogServedDatasets served, ILogger<FreshnessMonitor> logger)
    {
        _engine = engine;
        _webhook = webhook;
        _served = served;
        _logger = logger;
    }

    /// <summary>One check; returns the alerts this call raised (empty when nothing changed state).</summary>
    public async Task<IReadOnlyList<FreshnessAlert>> CheckAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            var rows = await _engine.Catalog.Datasets.FreshnessAsync(cancellationToken);
            var alerts = new List<FreshnessAlert>();
            foreach (var row in rows)
            {
                if (!await _engine.Catalog.Datasets.RecordFreshnessAsync(row.Dataset, row.Stale, cancellationToken)) continue;
                if (row.Stale) FreshnessLog.Stale(_logger, row.Dataset, row.UpdateCycle, row.ConfirmedAt, row.DueAt);
                else FreshnessLog.FreshAgain(_logger, row.Dataset, row.UpdateCycle, row.ConfirmedAt);
                var alert = FreshnessAlert.From(row, _engine.Time.GetUtcNow());
                alerts.Add(alert);
                _webhook.Enqueue(alert);
            }
            if (await _engine.Runner.PublishFreshnessAsync(rows, cancellationToken) is { } version)
            {
                FreshnessLog.Published(_logger, version);
                await _served.RefreshAsync(cancellationToken);
            }
            return alerts;
        }
        finally
        {
            _one.Release();
        }
    }
}

/// <summary>Runs <see cref="FreshnessMonitor.CheckAsync"/> at start-up and every <see cref="FreshnessOptions.CheckInterval"/>.</summary>
internal sealed class FreshnessChecks(FreshnessMonitor monitor, FreshnessOptions options, ILogger<FreshnessChecks> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CheckInterval);
        do
        {
            try
            {
                await monitor.CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                FreshnessLog.CheckFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

/// <summary>Registration of the freshness checks in the web host.</summary>
internal static class FreshnessRegistration
{
    public static IServiceCollection AddDataHubFreshness(this IServiceCollection services, FreshnessOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<FreshnessWebhook>();
        services.AddHostedService(sp => sp.GetRequiredService<FreshnessWebhook>());
        services.AddSingleton(sp => new FreshnessMonitor(sp.GetRequiredService<DataHubEngine>(), sp.GetRequiredService<FreshnessWebhook>(),
            sp.GetRequiredService<CatalogServedDatasets>(), sp.GetRequiredService<ILogger<FreshnessMonitor>>()));
        services.AddHostedService<FreshnessChecks>();
        return services;
    }
}
