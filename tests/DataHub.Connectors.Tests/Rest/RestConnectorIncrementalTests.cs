using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Rest;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Rest;

/// <summary>Incremental reads by <c>updated_since</c>: after a day of changes, exactly the changed enterprises.</summary>
public sealed class RestConnectorIncrementalTests : IAsyncLifetime
{
    private readonly SimulatedDistrictFixture _district = new();
    private readonly ISourceConnector _connector = RestConnectorRegistration.Create();

    public Task InitializeAsync() => _district.InitializeAsync();

    public Task DisposeAsync() => _district.DisposeAsync();

    [Fact]
    public async Task Read_AfterAdvance_ReturnsExactlyTheChangedEnterprisesThenNothing()
    {
        var config = RestSources.Config(_district, ".", o => o["paging"] = "cursor");
        var full = await Read(config, null);
        Assert.Equal(_district.Truth.Departments["enterprise"].Rows, full.Sum(b => b.Records.Count));

        var truth = await _district.AdvanceAsync();
        var delta = await Read(config, full[^1].State);

        var changes = truth.Changes!["enterprise"];
        Assert.True(changes.Records > 0);
        Assert.All(delta, b => Assert.True(b.IsDelta, "an incremental read hands out a delta the runner merges"));
        Assert.All(full, b => Assert.False(b.IsDelta));
        Assert.Equal(changes.Inserted.Concat(changes.Updated).Order(StringComparer.Ordinal), RestSources.CreditCodes(delta).Order(StringComparer.Ordinal));

        var again = await Read(config, delta[^1].State);
        Assert.Empty(again.SelectMany(b => b.Records));
        Assert.NotNull(again[^1].State);
    }

    private async Task<List<RecordBatch>> Read(SourceConfig config, ConnectorState? state)
    {
        var batches = new List<RecordBatch>();
        await foreach (var b in _connector.ReadAsync(config, state, default)) batches.Add(b);
        return batches;
    }
}
