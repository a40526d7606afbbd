namespace DataHub.Serving;

/// <summary>
/// What a request did, for the audit log. Holds no row values. Complete once
/// <see cref="FeedResult.WriteBodyAsync"/> has returned (or thrown).
/// </summary>
/// <param name="Dataset">The dataset name (not the entity set), when the request reached one.</param>
/// <param name="Version">The dataset version read: for later pages, the version the skiptoken pinned.</param>
/// <param name="RowsReturned">Rows written in this page.</param>
/// <param name="TotalCount">The count answered (<c>@odata.count</c> or <c>/$count</c>), if any.</param>
/// <param name="ErrorCode">The OData error code answered, or <c>BODY_FAILED</c>/<c>CANCELLED</c> when writing the body failed.</param>
/// <param name="Failure">An engineer's diagnostic for failures (exception type and message without row values), else null.</param>
public sealed record FeedOutcome(
    FeedEndpoint Endpoint,
    int StatusCode,
    string? Dataset,
    long? Version,
    long RowsReturned,
    long? TotalCount,
    string? ErrorCode,
    string? Failure);
