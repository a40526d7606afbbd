using System.Diagnostics.Metrics;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// Run metrics (meter <see cref="MeterName"/>): runs by outcome, rows per stage, run duration.
/// Tags are the outcome, the stage and the dataset's machine name; never a row value.
/// </summary>
public static class IngestionMetrics
{
    public const string MeterName = "DataHub.Ingestion";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>("datahub.runs", "{run}", "Ingestion runs finished, by outcome (succeeded, unchanged, held, failed) and dataset");

    private static readonly Counter<long> Rows = Meter.CreateCounter<long>("datahub.run.rows", "{row}", "Rows of finished runs by stage: read = accepted + quarantined + duplicates");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("datahub.run.duration", "s", "Duration of finished ingestion runs");

    internal static void RunFinished(RunReport report, TimeSpan elapsed)
    {
        var dataset = new KeyValuePair<string, object?>("dataset", report.Dataset);
        var outcome = new KeyValuePair<string, object?>("outcome", report.Status);
        Runs.Add(1, outcome, dataset);
        Duration.Record(elapsed.TotalSeconds, outcome, dataset);
        Rows.Add(report.RowsRead, new KeyValuePair<string, object?>("stage", "read"), dataset);
        Rows.Add(report.Accepted, new KeyValuePair<string, object?>("stage", "accepted"), dataset);
        Rows.Add(report.Quarantined, new KeyValuePair<string, object?>("stage", "quarantined"), dataset);
        Rows.Add(report.Duplicates, new KeyValuePair<string, object?>("stage", "duplicates"), dataset);
    }
}
