using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Rest;

/// <summary>The public way to get the REST connector (the implementation stays internal).</summary>
public static class RestConnectorRegistration
{
    /// <summary>The connector type name source files use: <c>rest</c>.</summary>
    public const string TypeName = RestConnector.TypeName;

    /// <summary>A REST connector; <paramref name="time"/> paces requests and times retries (default: the system clock).</summary>
    public static ISourceConnector Create(TimeProvider? time = null) => new RestConnector(time ?? TimeProvider.System);
}
