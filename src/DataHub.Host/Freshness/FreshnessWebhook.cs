using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;

namespace DataHub.Host.Freshness;

/// <summary>
/// Posts freshness alerts to the configured URL from a queue of its own, so a slow or failing
/// receiver never holds up a check (or anything else): each alert is retried with doubling waits,
/// every failure logged, and given up after <see cref="FreshnessOptions.WebhookAttempts"/>.
/// </summary>
internal sealed class FreshnessWebhook(FreshnessOptions options, TimeProvider time, ILogger<FreshnessWebhook> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Channel<FreshnessAlert> _queue = Channel.CreateBounded<FreshnessAlert>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly HttpClient _http = new() { Timeout = options.WebhookTimeout };

    /// <summary>Queues an alert; returns at once. Without a URL configured, nothing is sent (the log event is the alert).</summary>
    public void Enqueue(FreshnessAlert alert)
    {
        if (options.WebhookUrl is { Length: > 0 }) _queue.Writer.TryWrite(alert);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
            await DeliverAsync(alert, stoppingToken);
    }

    private async Task DeliverAsync(FreshnessAlert alert, CancellationToken cancellationToken)
    {
        var delay = options.WebhookRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            try
            {
                using var response = await _http.PostAsJsonAsync(options.WebhookUrl, alert, Json, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    FreshnessLog.Delivered(logger, alert.Event, alert.Dataset, attempt);
                    return;
                }
                reason = "HTTP " + (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                reason = e is TaskCanceledException ? "timeout" : e.Message;
            }
            if (attempt >= options.WebhookAttempts)
            {
                FreshnessLog.DeliveryGaveUp(logger, alert.Event, alert.Dataset, attempt, reason);
                return;
            }
            FreshnessLog.DeliveryRetrying(logger, alert.Event, alert.Dataset, attempt, options.WebhookAttempts, reason, delay);
            await Task.Delay(delay, time, cancellationToken);
            delay *= 2;
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
