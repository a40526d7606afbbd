using System.Data.Common;
using DataHub.Catalog.Storage;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Runs;

/// <summary>Run history: every ingestion run, how it ended and its full report.</summary>
public sealed class RunLog(CatalogDatabase db, TimeProvider time)
{
    public async Task StartAsync(string runId, string sourceId, string dataset, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await ExecAsync(conn, null, "INSERT INTO runs (id, source_id, dataset, started_at, status, node) VALUES (@id, @s, @d, @at, @st, @node)",
            [("id", runId), ("s", sourceId), ("d", dataset), ("at", Timestamp(time.GetUtcNow())), ("st", RunStatus.Running), ("node", Node)], cancellationToken);
    }

    /// <summary>This process as the run history names it (machine:pid), for an operator looking for the runner.</summary>
    public static string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Records a failed run with why it failed (<see cref="RunFailureKinds"/>), so a scheduler retries only what may pass.</summary>
    public async Task FailAsync(string runId, RunCounts? counts, string? reportJson, string errorCode, string errorMessage, string failureKind, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await FinishAsync(conn, null, runId, RunStatus.Failed, counts, null, reportJson, errorCode, errorMessage, Timestamp(time.GetUtcNow()), cancellationToken);
        await ExecAsync(conn, null, "UPDATE runs SET failure_kind = @k WHERE id = @id", [("k", failureKind), ("id", runId)], cancellationToken);
    }

    /// <summary>Runs still marked running (of one dataset, or all), oldest first.</summary>
    public async Task<IReadOnlyList<RunEntry>> RunningAsync(string? dataset, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, RunSelect + " WHERE status = @st" + (dataset is null ? "" : " AND dataset = @d") + " ORDER BY started_at, id",
            [("st", RunStatus.Running), ("d", dataset)], MapRun, cancellationToken);
    }

    public async Task<RunEntry?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null, RunSelect + " WHERE id = @id", [("id", runId)], MapRun, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// Marks a run whose process died (nobody holds its dataset's lock any more) as failed with kind
    /// <see cref="RunFailureKinds.Interrupted"/>. Only a run still marked running is changed.
    /// </summary>
    public async Task<bool> MarkInterruptedAsync(string runId, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await ExecAsync(conn, null, """
            UPDATE runs SET finished_at = @now, status = @failed, failure_kind = @k, error_code = 'RUN_INTERRUPTED',
                error_message = '运行被中断（进程退出或被终止），本次未发布；上一版本继续提供'
            WHERE id = @id AND status = @running
            """, [("now", Timestamp(time.GetUtcNow())), ("failed", RunStatus.Failed), ("k", RunFailureKinds.Interrupted),
                  ("id", runId), ("running", RunStatus.Running)], cancellationToken) == 1;
    }

    /// <summary>Records a failed run; nothing is published and the current pointer is untouched.</summary>
    public async Task FailAsync(string runId, RunCounts? counts, string? reportJson, string errorCode, string errorMessage, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await FinishAsync(conn, null, runId, RunStatus.Failed, counts, null, reportJson, errorCode, errorMessage, Timestamp(time.GetUtcNow()), cancellationToken);
    }

    internal static Task FinishAsync(DbConnection conn, DbTransaction? tx, string runId, string status, RunCounts? c, long? version,
        string? reportJson, string? errorCode, string? errorMessage, string now, CancellationToken cancellationToken) =>
        ExecAsync(conn, tx, """
            UPDATE runs SET finished_at = @now, status = @st, rows_read = @r, rows_accepted = @a, rows_quarantined = @q,
                rows_duplicates = @dup, version = @v, report_json = @rep, error_code = @ec, error_message = @em
            WHERE id = @id
            """,
            [("now", now), ("st", status), ("r", c?.Read), ("a", c?.Accepted), ("q", c?.Quarantined), ("dup", c?.Duplicates),
             ("v", version), ("rep", reportJson), ("ec", errorCode), ("em", errorMessage), ("id", runId)], cancellationToken);

    public async Task<IReadOnlyList<RunEntry>> RecentAsync(string? dataset, int limit, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, RunSelect + (dataset is null ? "" : " WHERE dataset = @d") + " ORDER BY started_at DESC, id DESC LIMIT @limit",
            [("d", dataset), ("limit", limit)], MapRun, cancellationToken);
    }

    private const string RunSelect = """
        SELECT id, source_id, dataset, started_at, finished_at, status, rows_read, rows_accepted, rows_quarantined,
               rows_duplicates, version, report_json, error_code, error_message, failure_kind, node
        FROM runs
        """;

    internal static RunEntry MapRun(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), ParseTimestamp(r.GetString(3)),
        r.IsDBNull(4) ? null : ParseTimestamp(r.GetString(4)), r.GetString(5),
        NullableLong(r, 6), NullableLong(r, 7), NullableLong(r, 8), NullableLong(r, 9), NullableLong(r, 10),
        NullableString(r, 11), NullableString(r, 12), NullableString(r, 13))
    {
        FailureKind = NullableString(r, 14),
        Node = NullableString(r, 15),
    };
}
