using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Fhir;

/// <summary>The public way to get the FHIR connector (the implementation stays internal).</summary>
public static class FhirConnectorRegistration
{
    /// <summary>The connector type name source files use: <c>fhir</c>.</summary>
    public const string TypeName = FhirConnector.TypeName;

    /// <summary>A FHIR R4 connector; <paramref name="time"/> paces requests and times retries (default: the system clock).</summary>
    public static ISourceConnector Create(TimeProvider? time = null) => new FhirConnector(time ?? TimeProvider.System);
}
