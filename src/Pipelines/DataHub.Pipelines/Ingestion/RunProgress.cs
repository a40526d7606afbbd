namespace DataHub.Pipelines.Ingestion;

/// <summary>Where a run is, for a progress line on a terminal or a dashboard. No row values.</summary>
/// <param name="Stage">reading, writing (de-duplicate, sort, Parquet) or publishing.</param>
public sealed record RunProgress(string Stage, long RowsRead, TimeSpan Elapsed)
{
    public const string Reading = "reading";
    public const string Writing = "writing";
    public const string Publishing = "publishing";
}
