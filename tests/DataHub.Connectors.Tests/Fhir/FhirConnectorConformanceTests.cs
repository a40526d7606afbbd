using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Fhir;
using DataHub.TestKit.Connectors;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Fhir;

/// <summary>The FHIR connector against the simulated 卫健 FHIR R4 server (real Kestrel on 127.0.0.1).</summary>
public sealed class FhirConnectorConformanceTests(SimulatedDistrictFixture district) : ConnectorConformance, IClassFixture<SimulatedDistrictFixture>
{
    // One record per Patient resource: the persons plus the planted second registrations.
    protected override int ExpectedRecordCount => (int)district.Truth.Departments["health"].Rows;

    protected override ISourceConnector CreateConnector() => FhirConnectorRegistration.Create();

    protected override SourceConfig CreateValidConfig(string workDir) => FhirSources.Config(district);
}
