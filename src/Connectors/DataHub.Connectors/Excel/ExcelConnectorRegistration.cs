using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Excel;

/// <summary>The public way to get the Excel connector (the implementation stays internal).</summary>
public static class ExcelConnectorRegistration
{
    /// <summary>The connector type name source files use: <c>excel</c>.</summary>
    public const string TypeName = ExcelConnector.TypeName;

    /// <summary>An Excel connector. It holds no state between calls, so one instance serves every source.</summary>
    public static ISourceConnector Create() => new ExcelConnector();
}
