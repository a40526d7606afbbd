using System.Security.Cryptography;
using System.Text;
using DataHub.Catalog;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Runs;
using DataHub.Core.Schema;
using DataHub.Pipelines.Lake;
using DataHub.Pipelines.Normalization;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// Freshness served like any other dataset: <c>freshness</c> (entity set <c>Freshness</c>), one row
/// per dataset the departments provide, so an Excel user sees in the navigator (and can refresh into
/// a sheet) which datasets are past their 更新周期. It is a catalog dataset: open to every principal,
/// each seeing only the rows of datasets granted to it (<c>x-dataset-field</c>). Republished only when
/// a row changes (a publish, an unchanged run's confirmation, a stale transition), never on a timer.
/// </summary>
public static class FreshnessDataset
{
    public const string Name = "freshness";

    public const string StaleText = "已过期（超出更新周期）";

    public const string FreshText = "正常";

    private static readonly DatasetMetadata Metadata = new(FreshnessRules.PlatformProvider, "区数据共享平台", "DATAHUB-FRESHNESS-0001", ShareTypes.Unconditional,
        null, "实时");

    /// <summary>Publishes the rows if they differ from the current version's; returns the new version, or null when nothing changed.</summary>
    internal static async Task<long?> PublishIfChangedAsync(DataHubCatalog catalog, LakeLayout lake, RecordIdHasher hasher, IReadOnlyList<DatasetFreshness> rows,
        DateTimeOffset checkedAt, CancellationToken cancellationToken)
    {
        var schema = SchemaLoader.Get(Name);
        var hash = ContentHash(rows);
        var entry = await catalog.Datasets.GetAsync(Name, cancellationToken);
        if (entry?.CurrentVersion is { } current && (await catalog.Datasets.PartsAsync(Name, current, cancellationToken)).Any(p => p.ContentHash == hash)) return null;
        if (rows.Count == 0) return null;
        await catalog.Datasets.RegisterAsync(schema, SchemaLoader.RawText(Name), Metadata, cancellationToken);
        return await PlatformDatasetFile.WriteAsync(catalog, lake, schema, "dataset", rows.Count, appender =>
        {
            foreach (var r in rows)
            {
                var row = appender.CreateRow().AppendValue(hasher.Hash([r.Dataset])).AppendValue(r.Dataset).AppendValue(r.Title).AppendValue(r.UpdateCycle);
                row = r.ConfirmedAt is { } confirmed ? row.AppendValue(confirmed.UtcDateTime) : row.AppendNullValue();
                row.AppendValue(r.DueAt.UtcDateTime).AppendValue(r.Stale).AppendValue(r.Stale ? StaleText : FreshText).AppendValue(checkedAt.UtcDateTime).EndRow();
            }
        }, async (version, directory, file) =>
        {
            // A run of its own in the run history, finished by the publish transaction like any other.
            var runId = checkedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
            await catalog.Runs.StartAsync(runId, Name, Name, cancellationToken);
            await catalog.Datasets.PublishAsync(new PublishRequest(runId, Name, version, directory, [file], rows.Count, schema.Version,
                new RunCounts(rows.Count, rows.Count, 0, 0), "{}", Name, null,
                Parts: [new VersionPart(Name, file, rows.Count, rows.Count, hash, runId)]), cancellationToken);
        }, cancellationToken);
    }

    /// <summary>What the rows say, without the check time: equal hashes mean nothing to republish.</summary>
    private static string ContentHash(IReadOnlyList<DatasetFreshness> rows)
    {
        var text = new StringBuilder();
        foreach (var r in rows)
        {
            text.Append(r.Dataset).Append('\u001f').Append(r.Title).Append('\u001f').Append(r.UpdateCycle).Append('\u001f')
                .Append(r.ConfirmedAt?.UtcTicks).Append('\u001f').Append(r.DueAt.UtcTicks).Append('\u001f').Append(r.Stale).Append('\u001e');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
