using DataHub.Catalog.Runs;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Datasets;

/// <summary>
/// Is a dataset as fresh as its 更新周期 promises? <see cref="ConfirmedAt"/> is when its data was
/// last confirmed: its current version's publish, or a later run that found the export unchanged.
/// A dataset never confirmed counts from its registration.
/// </summary>
public sealed record DatasetFreshness(string Dataset, string Title, string UpdateCycle, DateTimeOffset? ConfirmedAt, DateTimeOffset DueAt, bool Stale);

/// <summary>How long each 更新周期 may go without a confirmation before the dataset is stale.</summary>
public static class FreshnessRules
{
    /// <summary>The provider code of datasets the platform derives itself (quality, freshness): never stale on their own.</summary>
    public const string PlatformProvider = "DATAHUB";

    public static TimeSpan Interval(string updateCycle) => updateCycle switch
    {
        "实时" => TimeSpan.FromHours(1),
        "每日" => TimeSpan.FromDays(1),
        "每周" => TimeSpan.FromDays(7),
        "每月" => TimeSpan.FromDays(31),
        "每季度" => TimeSpan.FromDays(92),
        "每年" => TimeSpan.FromDays(366),
        _ => TimeSpan.FromDays(31),
    };

    /// <summary>
    /// Grace on top of the interval: one interval, at most a day. A daily export that lands at 09:30
    /// instead of 02:00 is not late; a real-time source an hour behind already is.
    /// </summary>
    public static TimeSpan Grace(string updateCycle) => TimeSpan.FromTicks(Math.Min(Interval(updateCycle).Ticks, TimeSpan.FromDays(1).Ticks));

    /// <summary>When a dataset confirmed at <paramref name="confirmedAt"/> becomes stale.</summary>
    public static DateTimeOffset DueAt(string updateCycle, DateTimeOffset confirmedAt) => confirmedAt + Interval(updateCycle) + Grace(updateCycle);
}

public sealed partial class DatasetCatalog
{
    /// <summary>
    /// The freshness of every dataset the departments provide (not the platform's own derived ones),
    /// judged at the catalog's clock now.
    /// </summary>
    public async Task<IReadOnlyList<DatasetFreshness>> FreshnessAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, """
            SELECT d.name, d.title, d.update_cycle, d.created_at, v.published_at,
                   (SELECT MAX(r.finished_at) FROM runs r WHERE r.dataset = d.name AND r.status IN (@ok, @same))
            FROM datasets d LEFT JOIN dataset_versions v ON v.dataset = d.name AND v.version = d.current_version
            WHERE d.provider_code <> @platform
            ORDER BY d.name
            """, [("ok", RunStatus.Succeeded), ("same", RunStatus.Unchanged), ("platform", FreshnessRules.PlatformProvider)], r =>
            {
                var cycle = r.GetString(2);
                DateTimeOffset? published = r.IsDBNull(4) ? null : ParseTimestamp(r.GetString(4));
                DateTimeOffset? lastRun = r.IsDBNull(5) ? null : ParseTimestamp(r.GetString(5));
                var confirmed = published is null ? lastRun : lastRun is null ? published : published > lastRun ? published : lastRun;
                var due = FreshnessRules.DueAt(cycle, confirmed ?? ParseTimestamp(r.GetString(3)));
                return new DatasetFreshness(r.GetString(0), r.GetString(1), cycle, confirmed, due, now >= due);
            }, cancellationToken);
    }

    /// <summary>
    /// Records a dataset's stale flag and tells whether this call changed it: true once per
    /// transition (fresh to stale, stale to fresh, or first seen stale), across every node sharing
    /// the catalog, because each statement changes the row only if it still holds the other value.
    /// </summary>
    public async Task<bool> RecordFreshnessAsync(string dataset, bool stale, CancellationToken cancellationToken)
    {
        var now = Timestamp(time.GetUtcNow());
        var flag = stale ? 1 : 0;
        await using var conn = await db.OpenAsync(cancellationToken);
        var inserted = await ExecAsync(conn, null, """
            INSERT INTO freshness_state (dataset, stale, changed_at) VALUES (@d, @s, @now) ON CONFLICT (dataset) DO NOTHING
            """, [("d", dataset), ("s", flag), ("now", now)], cancellationToken);
        if (inserted == 1) return stale;
        return await ExecAsync(conn, null, "UPDATE freshness_state SET stale = @s, changed_at = @now WHERE dataset = @d AND stale <> @s",
            [("d", dataset), ("s", flag), ("now", now)], cancellationToken) == 1;
    }
}
