using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace DataHub.Host.Jobs;

/// <summary>
/// Retries a job only when its run failed for a reason that may pass (source unreachable, dataset
/// busy, lock wait timed out): a config or data failure stays failed at once, because the same
/// file or export fails the same way. Backs off 1, 2, 4 minutes.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class TransientOnlyRetryAttribute : JobFilterAttribute, IElectStateFilter
{
    private const string RetryCount = "RetryCount";

    public int Attempts { get; set; } = 3;

    public void OnStateElection(ElectStateContext context)
    {
        if (context.CandidateState is not FailedState failed) return;
        var transient = failed.Exception is RunFailedException { Transient: true } or DistributedLockTimeoutException;
        if (!transient) return;
        var attempt = context.GetJobParameter<int>(RetryCount) + 1;
        if (attempt > Attempts) return;
        context.SetJobParameter(RetryCount, attempt);
        context.CandidateState = new ScheduledState(TimeSpan.FromMinutes(Math.Pow(2, attempt - 1)))
        {
            Reason = $"临时故障，第 {attempt}/{Attempts} 次重试：{failed.Exception.Message}",
        };
    }
}
