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

    /// <summary>The server answers 503 until the outage ends; the read is configured not to wait it out.</summary>
    protected override Task<(SourceConfig Config, IAsyncDisposable Outage)?> BreakTransientlyAsync(SourceConfig config)
    {
        district.Server.Faults.FailNext(1000, 503);
        var noRetries = config with { Options = new Dictionary<string, string>(config.Options) { ["max_retries"] = "0" } };
        return Task.FromResult<(SourceConfig, IAsyncDisposable)?>((noRetries, new Outage(district)));
    }

    private sealed class Outage(SimulatedDistrictFixture district) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            district.Server.Faults.FailNext(0);
            return ValueTask.CompletedTask;
        }
    }
}
