using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Csv;
using DataHub.Connectors.Excel;
using DataHub.Connectors.Fhir;
using DataHub.Connectors.Rest;
using DataHub.Connectors.Sql;

namespace DataHub.Connectors;

/// <summary>The connectors that ship with DataHub.</summary>
public static class ConnectorCatalog
{
    /// <summary>A fresh instance of every built-in connector, e.g. for <c>new ConnectorRegistry(ConnectorCatalog.BuiltIn())</c>.</summary>
    public static IReadOnlyList<ISourceConnector> BuiltIn() =>
    [
        CsvConnectorRegistration.Create(),
        SqlConnectorRegistration.Create(),
        ExcelConnectorRegistration.Create(),
        RestConnectorRegistration.Create(),
        FhirConnectorRegistration.Create(),
    ];
}
