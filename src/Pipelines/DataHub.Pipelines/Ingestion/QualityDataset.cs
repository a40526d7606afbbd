using System.Globalization;
using DataHub.Catalog;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Runs;
using DataHub.Core.Schema;
using DataHub.Pipelines.Lake;
using DataHub.Pipelines.Normalization;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// The quality figures served like any other dataset: <c>quality</c> (entity set <c>Quality</c>),
/// scoped by community code, so a community worker sees its own community's figures under the same
/// policy as the data. Each publish of a dataset republishes it from the catalog's figures of every
/// retained version, so trends across versions show.
/// </summary>
public static class QualityDataset
{
    public const string Name = "quality";

    private static readonly DatasetMetadata Metadata = new("DATAHUB", "区数据共享平台", "DATAHUB-QUALITY-0001", ShareTypes.Conditional,
        "政务部门内部使用：各社区看本社区的数据质量", "实时");

    public static async Task PublishAsync(DataHubCatalog catalog, LakeLayout lake, RecordIdHasher hasher, string runId, CancellationToken cancellationToken)
    {
        var schema = SchemaLoader.Get(Name);
        await catalog.Datasets.RegisterAsync(schema, SchemaLoader.RawText(Name), Metadata, cancellationToken);
        var figures = await catalog.Datasets.RetainedQualityAsync(cancellationToken);
        if (figures.Count == 0) return;
        await PlatformDatasetFile.WriteAsync(catalog, lake, schema, "community_code, record_id", figures.Count, appender =>
        {
            foreach (var (dataset, v, q, at) in figures)
            {
                var id = hasher.Hash([dataset, v.ToString(CultureInfo.InvariantCulture), q.CommunityCode, q.Field, q.Metric]);
                appender.CreateRow().AppendValue(id).AppendValue(dataset).AppendValue(v).AppendValue(q.CommunityCode)
                    .AppendValue(catalog.Divisions.Find(q.CommunityCode)?.Name).AppendValue(q.CommunityCode[..Math.Min(9, q.CommunityCode.Length)]).AppendValue(q.Field)
                    .AppendValue(q.Metric).AppendValue(q.Value).AppendValue(q.Numerator).AppendValue(q.Denominator).AppendValue(at).EndRow();
            }
        }, (version, directory, file) => catalog.Datasets.PublishAsync(new PublishRequest(runId, Name, version, directory, [file], figures.Count, schema.Version,
            new RunCounts(figures.Count, figures.Count, 0, 0), "", Name, null, Derived: true), cancellationToken), cancellationToken);
    }
}
