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
