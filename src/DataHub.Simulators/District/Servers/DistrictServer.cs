using System.Globalization;
using DataHub.Simulators.District.Stores;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DataHub.Simulators.District.Servers;

/// <summary>
/// The district's HTTP systems on loopback (Kestrel minimal APIs): the 市场监管 REST API under
/// <c>/scjg/api/v1/enterprises</c> and the 卫健 FHIR server under <c>/wsjk/fhir</c>. They read the
/// district's store on every request, so an <c>advance</c> from another process shows at once.
/// </summary>
public sealed class DistrictServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DistrictServer(WebApplication app, Uri root, DistrictFaults faults)
    {
        _app = app;
        Root = root;
        Faults = faults;
    }

    /// <summary>The server's address, e.g. http://127.0.0.1:5181/.</summary>
    public Uri Root { get; }

    public Uri EnterprisesUrl => new(Root, EnterpriseApi.Path.TrimStart('/'));

    public Uri FhirBaseUrl => new(Root, FhirServer.Base.TrimStart('/') + "/");

    public DistrictFaults Faults { get; }

    /// <param name="port">0 picks a free port.</param>
    /// <param name="rateLimit">Requests per second the APIs accept before answering 429 with Retry-After (null: no limit).</param>
    public static async Task<DistrictServer> StartAsync(DistrictPaths paths, int port = 0, double? rateLimit = null, CancellationToken cancellationToken = default)
    {
        var store = new DistrictStore(paths.Store);
        if (!File.Exists(store.Path))
            throw DistrictOptions.Invalid("--data", $"{paths.Root} 中没有模拟区县", "先运行 datahub simulate --data DIR");
        var apiKey = (await File.ReadAllTextAsync(paths.ApiKey, cancellationToken)).Trim();
        var faults = new DistrictFaults();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        var app = builder.Build();
        var pace = new Pace(rateLimit);
        app.Use(async (context, next) =>
        {
            if (faults.TakeFailure() is { } status)
            {
                context.Response.StatusCode = status;
                if (status is 429 or 503) context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("{\"code\":" + status.ToString(CultureInfo.InvariantCulture) + ",\"message\":\"服务暂时不可用\"}", context.RequestAborted);
                return;
            }
            if (!pace.TryEnter())
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("{\"code\":429,\"message\":\"请求过于频繁\"}", context.RequestAborted);
                return;
            }
            if (!faults.TakeMalformed())
            {
                await next(context);
                return;
            }
            // Serve the body cut in half, as a proxy that drops the connection's tail would.
            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            await next(context);
            context.Response.Body = original;
            var bytes = buffer.ToArray();
            context.Response.ContentLength = bytes.Length / 2;
            await original.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), context.RequestAborted);
        });
        EnterpriseApi.Map(app, store, apiKey);
        FhirServer.Map(app, store, faults);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DistrictServer(app, new Uri(address.TrimEnd('/') + "/"), faults);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A server-side request rate: at most <c>rate</c> requests in any second.</summary>
    private sealed class Pace(double? rate)
    {
        private readonly Lock _gate = new();
        private readonly Queue<long> _recent = new();

        public bool TryEnter()
        {
            if (rate is not { } perSecond) return true;
            var now = Environment.TickCount64;
            lock (_gate)
            {
                while (_recent.Count > 0 && now - _recent.Peek() >= 1000) _recent.Dequeue();
                if (_recent.Count >= Math.Max(1, (int)perSecond)) return false;
                _recent.Enqueue(now);
                return true;
            }
        }
    }
}
