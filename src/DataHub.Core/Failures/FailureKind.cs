namespace DataHub.Core.Failures;

/// <summary>
/// Why something failed, which decides what may help (Airbyte's error classes):
/// a config failure needs a person to change a file, a data failure needs a better export,
/// a transient failure may pass on retry, a system failure is ours to fix.
/// </summary>
public enum FailureKind
{
    Config,
    Data,
    Transient,
    System,
}
