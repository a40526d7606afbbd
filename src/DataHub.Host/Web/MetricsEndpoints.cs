using DataHub.Pipelines.Ingestion;
using DataHub.Serving;
using DataHub.Host.Web.Auth;
using OpenTelemetry.Metrics;

namespace DataHub.Host.Web;

/// <summary>
/// <c>/metrics</c> (Prometheus text format, OpenTelemetry): runs by outcome, rows per stage, run
/// duration, feed requests by status, feed latency and rows served. Series carry dataset names, so
/// the endpoint is for stewards and operators through the DataHub scheme (Prometheus scrapes with
/// <c>basic_auth</c>, an operator's name and API key); anyone else gets 401/403 or the sign-in page.
/// No loopback exception: behind a reverse proxy every request comes from loopback.
/// </summary>
internal static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static IServiceCollection AddDataHubMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(IngestionMetrics.MeterName, FeedMetrics.MeterName)
            .AddView("datahub.feed.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] })
            .AddView("datahub.run.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] })
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    public static void MapDataHubMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(DataHubAuthentication.OperatorPolicy);
}
