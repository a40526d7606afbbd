using DataHub.Catalog.Runs;
using DataHub.Pipelines.Ingestion;

namespace DataHub.Host.Jobs;

/// <summary>
/// A job's run failed. The message (zh-CN, shown on the dashboard) names the error and where the
/// run report is; <see cref="Transient"/> decides whether the job is retried.
/// </summary>
public sealed class RunFailedException : Exception
{
    public RunFailedException(RunReport report)
        : base($"运行 {report.RunId} 失败 [{report.ErrorCode}]：{report.Error}；运行报告：{IngestionJob.ReportPath(report.RunId)}")
    {
        Transient = report.FailureKind == RunFailureKinds.Transient;
    }

    public RunFailedException(string message, bool transient) : base(message) => Transient = transient;

    public RunFailedException() : this("运行失败", false) { }

    public RunFailedException(string message) : this(message, false) { }

    public RunFailedException(string message, Exception inner) : base(message, inner) { }

    public bool Transient { get; }
}
