namespace DataHub.Pipelines.Lake;

/// <summary>What start-up recovery found left behind by processes that died mid-run.</summary>
public sealed record RecoveryReport(
    IReadOnlyList<string> InterruptedRuns,
    IReadOnlyList<string> RemovedFolders,
    IReadOnlyList<string> BusyDatasets)
{
    public bool FoundAnything => InterruptedRuns.Count > 0 || RemovedFolders.Count > 0;
}
