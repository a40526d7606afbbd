using DataHub.Connectors.Abstractions;
using Xunit;

namespace DataHub.TestKit.Connectors;

/// <summary>
/// The acceptance suite every connector passes (after Airbyte's connector acceptance tests and
/// Npgsql's provider specification tests). A connector's test class inherits it, says how to build
/// the connector and a valid source, and gets these facts for free.
/// </summary>
public abstract class ConnectorConformance : IDisposable
{
    private readonly TempDirectory _workDir = new("datahub-conformance");

    /// <summary>A folder of its own for each test; deleted afterwards.</summary>
    protected string WorkDir => _workDir.Path;

    /// <summary>The connector under test, as the host would get it.</summary>
    protected abstract ISourceConnector CreateConnector();

    /// <summary>A config for a readable source with <see cref="ExpectedRecordCount"/> records; write any files it needs into <paramref name="workDir"/>.</summary>
    protected abstract SourceConfig CreateValidConfig(string workDir);

    /// <summary>How many records the source of <see cref="CreateValidConfig"/> holds.</summary>
    protected abstract int ExpectedRecordCount { get; }

    /// <summary>
    /// Makes the source of <paramref name="config"/> fail transiently (unreachable, dropped
    /// connection) until the returned handle is disposed; null when the connector's sources have
    /// no transient failure (a local file). The config returned is the one to read through.
    /// </summary>
    protected virtual Task<(SourceConfig Config, IAsyncDisposable Outage)?> BreakTransientlyAsync(SourceConfig config) =>
        Task.FromResult<(SourceConfig, IAsyncDisposable)?>(null);

    /// <summary>Options a source must set, as the spec declares them; leaving out any one is a config failure.</summary>
    private IReadOnlyList<string> RequiredOptions => CreateConnector().Spec.Options.Where(o => o.Required).Select(o => o.Name).ToList();

    [Fact]
    public void Spec_Always_HasTypeDisplayNameAndDescribedOptions()
    {
        var spec = CreateConnector().Spec;

        Assert.False(string.IsNullOrWhiteSpace(spec.Type));
        Assert.Equal(spec.Type.Trim().ToLowerInvariant(), spec.Type);
        Assert.False(string.IsNullOrWhiteSpace(spec.DisplayName));
        Assert.NotEmpty(spec.Options);
        Assert.All(spec.Options, o => Assert.False(string.IsNullOrWhiteSpace(o.Description), $"option {o.Name} has no description"));
        Assert.Equal(spec.Options.Count, spec.Options.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(spec.Options.Where(o => o.Required), o => Assert.Null(o.Default));
    }

    [Fact]
    public async Task CheckAsync_ValidConfig_Succeeds()
    {
        var result = await CreateConnector().CheckAsync(CreateValidConfig(WorkDir), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public async Task DiscoverAsync_ValidConfig_ReturnsNamedColumnsWithOrdinalsOneToN()
    {
        var stream = await CreateConnector().DiscoverAsync(CreateValidConfig(WorkDir), CancellationToken.None);

        Assert.False(string.IsNullOrWhiteSpace(stream.Name));
        Assert.NotEmpty(stream.Columns);
        Assert.Equal(Enumerable.Range(1, stream.Columns.Count), stream.Columns.Select(c => c.Ordinal));
        Assert.All(stream.Columns, c => Assert.False(string.IsNullOrWhiteSpace(c.Name)));
        Assert.Equal(stream.Columns.Count, stream.Columns.Select(c => c.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public async Task ReadAsync_ValidConfig_ReturnsExpectedRecordsShapedLikeTheColumns()
    {
        var config = CreateValidConfig(WorkDir);
        var connector = CreateConnector();
        var discovered = await connector.DiscoverAsync(config, CancellationToken.None);

        var batches = await ReadAllAsync(connector, config, null);

        var records = batches.SelectMany(b => b.Records).ToList();
        Assert.Equal(ExpectedRecordCount, records.Count);
        Assert.All(batches, b => Assert.Equal(discovered.Columns, b.Columns));
        Assert.All(records, r => Assert.Equal(discovered.Columns.Count, r.Values.Length));
        Assert.All(records, r => Assert.True(r.Position > 0, "Position locates the record for people and starts at 1"));
        Assert.All(records.Zip(records.Skip(1)), p => Assert.True(p.First.Position < p.Second.Position, "Positions increase"));
    }

    [Fact]
    public async Task ReadAsync_ValidConfig_OnlyTheLastBatchCarriesState()
    {
        var batches = await ReadAllAsync(CreateConnector(), CreateValidConfig(WorkDir), null);

        Assert.NotEmpty(batches);
        Assert.NotNull(batches[^1].State);
        Assert.False(string.IsNullOrWhiteSpace(batches[^1].State!.Json));
        Assert.All(batches.Take(batches.Count - 1), b => Assert.Null(b.State));
    }

    [Fact]
    public async Task ReadAsync_TwiceOnUnchangedSource_GivesIdenticalRecords()
    {
        var config = CreateValidConfig(WorkDir);
        var connector = CreateConnector();

        var first = await ReadAllAsync(connector, config, null);
        var second = await ReadAllAsync(connector, config, null);

        AssertSameRecords(first, second);
    }

    [Fact]
    public async Task ReadAsync_WithStateOfPreviousRead_ReadsAgainOrOnlyWhatIsNew()
    {
        var config = CreateValidConfig(WorkDir);
        var connector = CreateConnector();

        var first = await ReadAllAsync(connector, config, null);
        var second = await ReadAllAsync(connector, config, first[^1].State);

        // Two sequential reads (Airbyte): a full-refresh connector reads everything again; an
        // incremental one must not return more than there is.
        if (connector.Spec.SupportsIncremental)
            Assert.True(second.Sum(b => b.Records.Count) <= ExpectedRecordCount);
        else
            AssertSameRecords(first, second);
        Assert.NotNull(second[^1].State);
    }

    [Fact]
    public async Task ReadAsync_IncrementalAfterFull_ReturnsNothingAlreadyCommitted()
    {
        var config = CreateValidConfig(WorkDir);
        var connector = CreateConnector();

        var full = await ReadAllAsync(connector, config, null);
        var next = await ReadAllAsync(connector, config, full[^1].State);

        // A delta after a full read of an unchanged source is empty; a connector that answers with
        // a full read instead must not mark it as a delta (the runner would merge it twice).
        if (next[^1].IsDelta)
            Assert.Empty(next.SelectMany(b => b.Records));
        else
            AssertSameRecords(full, next);
        Assert.All(next, b => Assert.Equal(next[^1].IsDelta, b.IsDelta));
        Assert.False(connector.Spec.SupportsIncremental is false && next[^1].IsDelta, "a connector that declares no incremental reads returned a delta");
    }

    [Fact]
    public async Task ReadAsync_TransientFailureThenRecovery_FailsTransientlyThenReadsEverything()
    {
        var connector = CreateConnector();
        var broken = await BreakTransientlyAsync(CreateValidConfig(WorkDir));
        if (broken is not { } b) return; // a local source has no transient failure to simulate

        var failure = await Assert.ThrowsAsync<ConnectorException>(() => ReadAllAsync(connector, b.Config, null));
        Assert.Equal(ConnectorFailure.Transient, failure.Failure);
        Assert.False(string.IsNullOrWhiteSpace(failure.UserMessage));
        await b.Outage.DisposeAsync();

        var batches = await ReadAllAsync(connector, b.Config, null);
        Assert.Equal(ExpectedRecordCount, batches.Sum(x => x.Records.Count));
    }

    [Fact]
    public async Task ReadAsync_CancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ReadAllAsync(CreateConnector(), CreateValidConfig(WorkDir), null, cts.Token));
    }

    [Fact]
    public async Task ReadAsync_CancelledDuringRead_ThrowsAndNextReadStillWorks()
    {
        var config = CreateValidConfig(WorkDir);
        var connector = CreateConnector();
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in connector.ReadAsync(config, null, cts.Token))
                await cts.CancelAsync();
            // A read that ends before it sees the cancellation still counts: there was nothing left.
            cts.Token.ThrowIfCancellationRequested();
        });

        // What must hold after a cancel: nothing left locked or half-open.
        var batches = await ReadAllAsync(connector, config, null);
        Assert.Equal(ExpectedRecordCount, batches.Sum(b => b.Records.Count));
    }

    [Fact]
    public async Task CheckAndDiscover_CancelledToken_ThrowOperationCanceled()
    {
        var config = CreateValidConfig(WorkDir);
        var connector = CreateConnector();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connector.CheckAsync(config, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connector.DiscoverAsync(config, cts.Token));
    }

    [Fact]
    public async Task ReadAndDiscover_RequiredOptionMissing_ThrowConfigFailure()
    {
        Assert.NotEmpty(RequiredOptions);
        var valid = CreateValidConfig(WorkDir);
        var connector = CreateConnector();
        foreach (var name in RequiredOptions)
        {
            var config = Without(valid, name);

            var discover = await Assert.ThrowsAsync<ConnectorException>(() => connector.DiscoverAsync(config, CancellationToken.None));
            var read = await Assert.ThrowsAsync<ConnectorException>(() => ReadAllAsync(connector, config, null));

            Assert.Equal(ConnectorFailure.Config, discover.Failure);
            Assert.Equal(ConnectorFailure.Config, read.Failure);
            Assert.False(string.IsNullOrWhiteSpace(read.UserMessage));
            Assert.Contains(name, read.UserMessage + read.Where + read.Fix, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckAsync_RequiredOptionMissing_FailsWithMessageInsteadOfThrowing()
    {
        var valid = CreateValidConfig(WorkDir);
        foreach (var name in RequiredOptions)
        {
            var result = await CreateConnector().CheckAsync(Without(valid, name), CancellationToken.None);

            Assert.False(result.Succeeded);
            Assert.Contains(name, result.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Reads every batch of a source.</summary>
    protected static async Task<List<RecordBatch>> ReadAllAsync(ISourceConnector connector, SourceConfig config, ConnectorState? state,
        CancellationToken cancellationToken = default)
    {
        var batches = new List<RecordBatch>();
        await foreach (var batch in connector.ReadAsync(config, state, cancellationToken))
            batches.Add(batch);
        return batches;
    }

    /// <summary>The config with one option left out.</summary>
    protected static SourceConfig Without(SourceConfig config, string option) =>
        config with { Options = config.Options.Where(o => o.Key != option).ToDictionary(o => o.Key, o => o.Value) };

    private static void AssertSameRecords(List<RecordBatch> first, List<RecordBatch> second)
    {
        var a = first.SelectMany(b => b.Records).ToList();
        var b = second.SelectMany(b => b.Records).ToList();
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Position, b[i].Position);
            Assert.Equal(a[i].Values, b[i].Values);
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) _workDir.Dispose();
    }
}
