using System.ComponentModel;
using DataHub.Host.Composition;
using DataHub.Pipelines.Ingestion;
using DataHub.Pipelines.Sources;
using Hangfire;

namespace DataHub.Host.Jobs;

/// <summary>
/// One scheduled or on-demand run of a declared source, as Hangfire executes it. One run per
/// dataset at a time across every node: the job waits for the dataset's distributed lock in the
/// job storage, so a run requested while another runs is queued behind it, not lost.
/// </summary>
[TransientOnlyRetry]
public sealed class IngestionJob(DataHubEngine engine, JobStorage storage, SourceDirectory sources, ILogger<IngestionJob> logger)
{
    /// <summary>How long a run waits for the one before it on the same dataset.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromHours(2);

    public static string RecurringId(string sourceId) => "source:" + sourceId;

    /// <summary>Where the dashboard's messages point for a run's report.</summary>
    public static string ReportPath(string runId) => "/runs/" + runId;

    /// <summary>Runs the source; returns the line the dashboard shows, throws <see cref="RunFailedException"/> if the run failed.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisplayName("入湖 {0}")]
    public async Task<string> RunAsync(string sourceId, CancellationToken cancellationToken)
    {
        string file;
        string dataset;
        try
        {
            file = sources.Resolve(sourceId);
            dataset = SourceDefinitionLoader.Load(file).Dataset;
        }
        catch (DataHub.Core.Failures.DataHubException e)
        {
            throw new RunFailedException(e.Describe(), e.IsTransient);
        }
        using var connection = storage.GetConnection();
        using (connection.AcquireDistributedLock("datahub:dataset:" + dataset, LockWait))
        {
            JobsLog.JobRunning(logger, sourceId, dataset);
            RunReport report;
            try
            {
                report = await engine.Runner.RunAsync(file, cancellationToken);
            }
            catch (DataHub.Core.Failures.DataHubException e)
            {
                // Failed before a run started (definition, dataset busy): retried only if transient.
                throw new RunFailedException(e.Describe(), e.IsTransient);
            }
            if (!report.Succeeded) throw new RunFailedException(report);
            return $"运行 {report.RunId} 成功，发布第 {report.Version} 版（读取 {report.RowsRead} 行）；运行报告：{ReportPath(report.RunId)}";
        }
    }
}
