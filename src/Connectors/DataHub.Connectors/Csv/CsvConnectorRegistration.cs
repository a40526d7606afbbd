using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Csv;

/// <summary>The public way to get the CSV connector (the implementation stays internal).</summary>
public static class CsvConnectorRegistration
{
    /// <summary>The connector type name source files use: <c>csv</c>.</summary>
    public const string TypeName = CsvConnector.TypeName;

    /// <summary>A CSV connector. It holds no state between calls, so one instance serves every source.</summary>
    public static ISourceConnector Create() => new CsvConnector();
}
