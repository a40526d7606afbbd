namespace DataHub.Serving;

/// <summary>Which resource a request addressed (for the audit log).</summary>
public enum FeedEndpoint
{
    /// <summary>The path matched nothing.</summary>
    Unknown,

    /// <summary><c>{root}</c>: the JSON service document.</summary>
    ServiceDocument,

    /// <summary><c>{root}$metadata</c>: CSDL XML.</summary>
    Metadata,

    /// <summary><c>{root}{EntitySet}</c>: a page of rows.</summary>
    Feed,

    /// <summary><c>{root}{EntitySet}/$count</c>: a number as text/plain.</summary>
    Count,

    /// <summary><c>{root}{EntitySet}('key')</c>: one entity by its key.</summary>
    Entity,
}
