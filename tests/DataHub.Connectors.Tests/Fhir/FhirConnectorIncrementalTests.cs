using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Fhir;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Fhir;

/// <summary>Incremental reads by <c>_lastUpdated</c>: after a day of changes, exactly the patients whose archive changed.</summary>
public sealed class FhirConnectorIncrementalTests : IAsyncLifetime
{
    private readonly SimulatedDistrictFixture _district = new();
    private readonly ISourceConnector _connector = FhirConnectorRegistration.Create();

    public Task InitializeAsync() => _district.InitializeAsync();

    public Task DisposeAsync() => _district.DisposeAsync();

    [Fact]
    public async Task Read_AfterAdvance_ReturnsExactlyTheChangedPatientsThenNothing()
    {
        var config = FhirSources.Config(_district);
        var full = await Read(config, null);
        Assert.Equal(_district.Truth.Departments["health"].Rows, full.Sum(b => b.Records.Count));

        var truth = await _district.AdvanceAsync();
        var delta = await Read(config, full[^1].State);

        var changes = truth.Changes!["health"];
        Assert.True(changes.Records > 0);
        Assert.All(delta, b => Assert.True(b.IsDelta, "an incremental read hands out a delta the runner merges"));
        Assert.All(full, b => Assert.False(b.IsDelta));
        var ids = FhirSources.Rows(delta).Select(r => r["Patient.identifier[身份号码]"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(changes.Inserted.Concat(changes.Updated).Order(StringComparer.Ordinal), ids);

        var again = await Read(config, delta[^1].State);
        Assert.Empty(again.SelectMany(b => b.Records));
    }

    private async Task<List<RecordBatch>> Read(SourceConfig config, ConnectorState? state)
    {
        var batches = new List<RecordBatch>();
        await foreach (var b in _connector.ReadAsync(config, state, default)) batches.Add(b);
        return batches;
    }
}
