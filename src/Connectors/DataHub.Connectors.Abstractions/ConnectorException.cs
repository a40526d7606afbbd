using DataHub.Core.Failures;

namespace DataHub.Connectors.Abstractions;

/// <summary>How a connector failed, which tells the runner whether a retry can help.</summary>
public enum ConnectorFailure
{
    /// <summary>The source file or settings are wrong: a person must fix them.</summary>
    Config,
    /// <summary>The source data cannot be read as it is (encoding, broken structure).</summary>
    Data,
    /// <summary>The source is unreachable or busy: a retry may help.</summary>
    Transient,
}

/// <summary>A connector failure with a user message (zh-CN: what, where, how to fix).</summary>
public sealed class ConnectorException(ConnectorFailure failure, string code, string userMessage, string? where = null, string? fix = null, Exception? inner = null)
    : DataHubException(failure switch
    {
        ConnectorFailure.Config => FailureKind.Config,
        ConnectorFailure.Data => FailureKind.Data,
        _ => FailureKind.Transient,
    }, code, userMessage, where, fix, inner)
{
    public ConnectorFailure Failure { get; } = failure;
}
