using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Rest;
using DataHub.TestKit.Connectors;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Rest;

/// <summary>The REST connector against the simulated 市场监管 API (real Kestrel on 127.0.0.1).</summary>
public sealed class RestConnectorConformanceTests(SimulatedDistrictFixture district) : ConnectorConformance, IClassFixture<SimulatedDistrictFixture>
{
    protected override int ExpectedRecordCount => (int)district.Truth.Departments["enterprise"].Rows;

    protected override ISourceConnector CreateConnector() => RestConnectorRegistration.Create();

    protected override SourceConfig CreateValidConfig(string workDir) => RestSources.Config(district, workDir);
}
