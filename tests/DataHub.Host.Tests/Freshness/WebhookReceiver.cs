using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace DataHub.Host.Tests.Freshness;

/// <summary>A real HTTP endpoint on loopback that records every POST; the first <c>failFirst</c> answers are 503.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, int failFirst)
    {
        _app = app;
        _failuresLeft = failFirst;
    }

    /// <summary>Every request, in order, with the status answered.</summary>
    public ConcurrentQueue<(int Status, JsonElement Body)> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync(int failFirst)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failFirst);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
            var status = Interlocked.Decrement(ref receiver._failuresLeft) >= 0 ? 503 : 204;
            receiver.Requests.Enqueue((status, body));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(app) + "/hook");
        return receiver;
    }

    /// <summary>The bodies answered 2xx, once <paramref name="count"/> of them have arrived.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForDeliveredAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var delivered = Requests.Where(r => r.Status < 300).Select(r => r.Body).ToList();
            if (delivered.Count >= count) return delivered;
            if (cts.IsCancellationRequested) throw new TimeoutException($"{delivered.Count} of {count} alerts delivered ({Requests.Count} requests)");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
