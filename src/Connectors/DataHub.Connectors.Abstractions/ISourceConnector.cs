namespace DataHub.Connectors.Abstractions;

/// <summary>
/// The connector seam (after the Airbyte protocol): spec / check / discover / read with state.
/// A connector only reads; batching, retry, validation and checkpointing are the runner's.
/// </summary>
/// <remarks>
/// Failure contract: every method throws <see cref="ConnectorException"/> for anything a user can
/// fix or retry (bad configuration, unreadable file, unreachable system), with a zh-CN message that
/// says what, where and how to fix it; any other exception is a defect of the connector.
/// Read never skips a record silently: a record it cannot make sense of structurally (a ragged
/// row, a broken quote) fails the read, because column values could be shifted.
/// </remarks>
public interface ISourceConnector
{
    /// <summary>What the connector is and which options it takes.</summary>
    ConnectorSpec Spec { get; }

    /// <summary>Checks that the configured source can be reached and read (file exists, encoding known, header present).</summary>
    Task<CheckResult> CheckAsync(SourceConfig config, CancellationToken cancellationToken);

    /// <summary>Describes the stream the source offers: its columns as the source names them.</summary>
    Task<SourceStream> DiscoverAsync(SourceConfig config, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the records in batches. <paramref name="state"/> is what the last committed run
    /// left (null on the first run); the last batch carries the state to commit once the data it
    /// covers is durable.
    /// </summary>
    IAsyncEnumerable<RecordBatch> ReadAsync(SourceConfig config, ConnectorState? state, CancellationToken cancellationToken);
}
