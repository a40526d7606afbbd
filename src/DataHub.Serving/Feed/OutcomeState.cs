namespace DataHub.Serving.Feed;

/// <summary>The outcome filled in while a request is handled and its body written.</summary>
internal sealed class OutcomeState
{
    public FeedEndpoint Endpoint { get; set; }

    public string? Dataset { get; set; }

    public long? Version { get; set; }

    public long RowsReturned { get; set; }

    public long? TotalCount { get; set; }

    public string? ErrorCode { get; set; }

    public string? Failure { get; set; }

    public FeedTimings Timings { get; } = new();

    public FeedOutcome Snapshot(int status) =>
        new(Endpoint, status, Dataset, Version, RowsReturned, TotalCount, ErrorCode, Failure);
}
