namespace DataHub.Serving;

/// <summary>
/// A request the service refuses, answered as an OData error body. <see cref="UserMessage"/> is zh-CN
/// and is shown to the user as is: it may echo the user's own query text, never row values, SQL or
/// a stack trace.
/// </summary>
internal sealed class FeedError(int status, string code, string userMessage, string? target = null)
    : Exception($"{status} {code}: {userMessage}")
{
    public int Status { get; } = status;

    /// <summary>A stable machine code, e.g. <c>QUERY_INVALID</c>.</summary>
    public string Code { get; } = code;

    public string UserMessage { get; } = userMessage;

    /// <summary>The query option or path at fault, e.g. <c>$filter</c>.</summary>
    public string? Target { get; } = target;

    public static FeedError BadRequest(string code, string message, string? target = null) => new(400, code, message, target);

    public static FeedError NotFound(string message) => new(404, "RESOURCE_NOT_FOUND", message);

    public static FeedError Forbidden(string message) => new(403, "SCOPE_FORBIDDEN", message);

    /// <summary>Seconds for <c>Retry-After</c> (503 answers), else null.</summary>
    public int? RetryAfterSeconds { get; private init; }

    /// <summary>503: the node is at its limits now; the client should retry after <paramref name="retryAfterSeconds"/>.</summary>
    public static FeedError Busy(string code, string message, int retryAfterSeconds) => new(503, code, message) { RetryAfterSeconds = retryAfterSeconds };

    public static FeedError NotImplemented(string code, string message, string? target = null) => new(501, code, message, target);
}
