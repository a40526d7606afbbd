using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Sql;

/// <summary>The public way to get the database connector (the implementation stays internal).</summary>
public static class SqlConnectorRegistration
{
    /// <summary>The connector type name source files use: <c>database</c>.</summary>
    public const string TypeName = SqlConnector.TypeName;

    /// <summary>A database connector. It holds no state between calls, so one instance serves every source.</summary>
    public static ISourceConnector Create() => new SqlConnector();
}
