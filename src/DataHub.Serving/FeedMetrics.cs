using System.Diagnostics.Metrics;

namespace DataHub.Serving;

/// <summary>
/// Feed metrics (meter <see cref="MeterName"/>), recorded by the host once an answer is complete.
/// Tags are the endpoint, the status code and the dataset's machine name (known datasets only,
/// never a name a caller typed), so the series stay few and carry no personal values.
/// </summary>
public static class FeedMetrics
{
    public const string MeterName = "DataHub.Serving";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("datahub.feed.requests", "{request}", "Feed requests answered, by status code, endpoint and dataset");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("datahub.feed.duration", "s", "Time from a feed request's arrival to the end of its answer");

    private static readonly Counter<long> Rows = Meter.CreateCounter<long>("datahub.feed.rows", "{row}", "Rows served in feed pages, downloads and key lookups");

    /// <summary>Records one answered request.</summary>
    public static void Record(FeedOutcome outcome, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var endpoint = new KeyValuePair<string, object?>("endpoint", EndpointName(outcome.Endpoint));
        var dataset = new KeyValuePair<string, object?>("dataset", outcome.Dataset ?? "-");
        Requests.Add(1, endpoint, new KeyValuePair<string, object?>("status", StatusName(outcome.StatusCode)), dataset);
        Duration.Record(elapsed.TotalSeconds, endpoint);
        if (outcome.RowsReturned > 0) Rows.Add(outcome.RowsReturned, dataset);
    }

    private static string EndpointName(FeedEndpoint endpoint) => endpoint switch
    {
        FeedEndpoint.ServiceDocument => "service_document",
        FeedEndpoint.Metadata => "metadata",
        FeedEndpoint.Feed => "feed",
        FeedEndpoint.Count => "count",
        FeedEndpoint.Entity => "entity",
        _ => "unknown",
    };

    // The codes a feed answers; anything else is grouped, so a bug cannot explode the series.
    private static string StatusName(int status) => status switch
    {
        200 or 304 or 400 or 401 or 403 or 404 or 410 or 414 or 429 or 500 or 501 or 503 => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "other",
    };
}
