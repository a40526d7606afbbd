using System.Data.Common;
using System.Globalization;
using DataHub.Catalog.Runs;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Datasets;

/// <summary>A run stopped by a publish guard, with what it needs to be published later.</summary>
public sealed record HeldRun(string RunId, string Dataset, string SourceId, long? BaseVersion, string Directory, string RequestJson, DateTimeOffset HeldAt);

/// <summary>One entry of the catalog's own audit trail (rollback, approve, reject, forced publish, retention).</summary>
public sealed record CatalogAuditEntry(DateTimeOffset At, string Actor, string Action, string? Dataset, long? Version, string? RunId, string? Detail);

/// <summary>A source's declared (or first-run) division scope for a dataset.</summary>
public sealed record SourceScope(string Dataset, string SourceId, string DefinitionFile, IReadOnlyList<string> Codes, bool Declared);

/// <summary>Parts, held runs, rollback, retention, scopes and quality: the publishing side of the catalog.</summary>
public sealed partial class DatasetCatalog
{
    private async Task InsertPartsAndQualityAsync(DbConnection conn, DbTransaction tx, PublishRequest p, string now, CancellationToken cancellationToken)
    {
        foreach (var input in p.Inputs ?? [])
        {
            await ExecAsync(conn, tx, """
                INSERT INTO dataset_lineage (dataset, version, input_dataset, input_version, input_run_id)
                VALUES (@d, @v, @id, @iv, @ir)
                """, [("d", p.Dataset), ("v", p.Version), ("id", input.Dataset), ("iv", input.Version), ("ir", input.RunId)], cancellationToken);
        }
        foreach (var part in p.Parts ?? [])
        {
            await ExecAsync(conn, tx, """
                INSERT INTO version_parts (dataset, version, source_id, file, row_count, rows_read, content_hash, run_id)
                VALUES (@d, @v, @s, @f, @rows, @read, @hash, @run)
                """, [("d", p.Dataset), ("v", p.Version), ("s", part.SourceId), ("f", part.File), ("rows", part.RowCount),
                      ("read", part.RowsRead), ("hash", part.ContentHash), ("run", part.RunId)], cancellationToken);
        }
        foreach (var q in p.Quality ?? [])
        {
            await ExecAsync(conn, tx, """
                INSERT INTO quality_figures (dataset, version, community_code, field, metric, value, numerator, denominator, computed_at)
                VALUES (@d, @v, @c, @f, @m, @val, @n, @den, @now)
                """, [("d", p.Dataset), ("v", p.Version), ("c", q.CommunityCode), ("f", q.Field), ("m", q.Metric), ("val", q.Value),
                      ("n", q.Numerator), ("den", q.Denominator), ("now", now)], cancellationToken);
        }
        var approved = await ExecAsync(conn, tx, "DELETE FROM held_runs WHERE run_id = @r", [("r", p.RunId)], cancellationToken) > 0;
        if (approved || p.Actor is not null)
            await AuditAsync(conn, tx, now, p.Actor ?? "system", approved ? "approve" : "force-publish", p.Dataset, p.Version, p.RunId, null, cancellationToken);
    }

    /// <summary>The parts of a version, one per source.</summary>
    public async Task<IReadOnlyList<VersionPart>> PartsAsync(string dataset, long version, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, """
            SELECT source_id, file, row_count, rows_read, content_hash, run_id FROM version_parts
            WHERE dataset = @d AND version = @v ORDER BY source_id
            """, [("d", dataset), ("v", version)],
            r => new VersionPart(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetString(5)), cancellationToken);
    }

    /// <summary>Records a held run: the run ends as held with its report; its files wait in <paramref name="directory"/>.</summary>
    public async Task HoldAsync(string runId, string dataset, string sourceId, long? baseVersion, string directory, string requestJson,
        RunCounts counts, string reportJson, string code, string message, CancellationToken cancellationToken)
    {
        var now = Timestamp(time.GetUtcNow());
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await ExecAsync(conn, tx, """
            INSERT INTO held_runs (run_id, dataset, source_id, base_version, directory, request_json, held_at)
            VALUES (@r, @d, @s, @b, @dir, @j, @now)
            """, [("r", runId), ("d", dataset), ("s", sourceId), ("b", baseVersion), ("dir", directory), ("j", requestJson), ("now", now)], cancellationToken);
        await RunLog.FinishAsync(conn, tx, runId, RunStatus.Held, counts, null, reportJson, code, message, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<HeldRun?> GetHeldAsync(string runId, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (await QueryAsync(conn, null, "SELECT run_id, dataset, source_id, base_version, directory, request_json, held_at FROM held_runs WHERE run_id = @r",
            [("r", runId)], r => new HeldRun(r.GetString(0), r.GetString(1), r.GetString(2), NullableLong(r, 3), r.GetString(4), r.GetString(5),
                ParseTimestamp(r.GetString(6))), cancellationToken)).FirstOrDefault();
    }

    /// <summary>Discards a held run (one transaction: the hold removed, the run marked rejected, audited).</summary>
    public async Task RejectHeldAsync(string runId, string actor, CancellationToken cancellationToken)
    {
        var now = Timestamp(time.GetUtcNow());
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var dataset = (string?)await ScalarAsync(conn, tx, "SELECT dataset FROM held_runs WHERE run_id = @r", [("r", runId)], cancellationToken)
            ?? throw new InvalidOperationException($"Run {runId} is not held.");
        await ExecAsync(conn, tx, "DELETE FROM held_runs WHERE run_id = @r", [("r", runId)], cancellationToken);
        await ExecAsync(conn, tx, "UPDATE runs SET status = @st WHERE id = @r", [("st", RunStatus.Rejected), ("r", runId)], cancellationToken);
        await AuditAsync(conn, tx, now, actor, "reject", dataset, null, runId, null, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Records a run whose input had not changed: nothing published, the run says so.</summary>
    public async Task FinishUnchangedAsync(string runId, RunCounts counts, string reportJson, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await RunLog.FinishAsync(conn, null, runId, RunStatus.Unchanged, counts, null, reportJson, null, null, Timestamp(time.GetUtcNow()), cancellationToken);
    }

    /// <summary>
    /// Makes an earlier, still retained version current, in one transaction, audited. Returns false
    /// when that version does not exist or has been retired.
    /// </summary>
    public async Task<bool> RollbackAsync(string dataset, long version, string actor, CancellationToken cancellationToken)
    {
        var now = Timestamp(time.GetUtcNow());
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var live = await ScalarAsync(conn, tx, "SELECT COUNT(*) FROM dataset_versions WHERE dataset = @d AND version = @v AND retired_at IS NULL",
            [("d", dataset), ("v", version)], cancellationToken);
        if (Convert.ToInt64(live, CultureInfo.InvariantCulture) != 1) return false;
        var previous = await ScalarAsync(conn, tx, "SELECT current_version FROM datasets WHERE name = @d", [("d", dataset)], cancellationToken);
        await ExecAsync(conn, tx, "UPDATE datasets SET current_version = @v, updated_at = @now WHERE name = @d", [("v", version), ("now", now), ("d", dataset)], cancellationToken);
        await RewindSourceStatesAsync(conn, tx, dataset, version, now, cancellationToken);
        await AuditAsync(conn, tx, now, actor, "rollback", dataset, version, null,
            previous is null ? null : "from v" + Convert.ToString(previous, CultureInfo.InvariantCulture), cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Puts every source of <paramref name="dataset"/> back to the connector state of the run whose
    /// part <paramref name="version"/> holds, in the rollback's transaction. Otherwise an incremental
    /// source would go on from the newer cursor and never re-read the rows the rollback took away.
    /// A source whose state for that run is unknown (no part in the version, a run published before
    /// states were kept, a connector without state) loses its state: its next run reads in full,
    /// which replaces its part and is always right.
    /// </summary>
    private static async Task RewindSourceStatesAsync(DbConnection conn, DbTransaction tx, string dataset, long version, string now, CancellationToken cancellationToken)
    {
        var sources = await QueryAsync(conn, tx, """
            SELECT DISTINCT a.source_id, p.run_id, h.state_json
            FROM version_parts a
            LEFT JOIN version_parts p ON p.dataset = a.dataset AND p.version = @v AND p.source_id = a.source_id
            LEFT JOIN source_state_history h ON h.source_id = p.source_id AND h.run_id = p.run_id
            WHERE a.dataset = @d
            """, [("d", dataset), ("v", version)],
            r => (Source: r.GetString(0), RunId: r.IsDBNull(1) ? null : r.GetString(1), State: r.IsDBNull(2) ? null : r.GetString(2)), cancellationToken);
        foreach (var (source, runId, state) in sources)
        {
            if (state is null)
                await ExecAsync(conn, tx, "DELETE FROM source_state WHERE source_id = @s", [("s", source)], cancellationToken);
            else
                await ExecAsync(conn, tx, """
                    INSERT INTO source_state (source_id, state_json, run_id, updated_at) VALUES (@s, @j, @r, @now)
                    ON CONFLICT (source_id) DO UPDATE SET state_json = excluded.state_json, run_id = excluded.run_id, updated_at = excluded.updated_at
                    """, [("s", source), ("j", state), ("r", runId), ("now", now)], cancellationToken);
        }
    }

    /// <summary>
    /// Retention: retires versions beyond the newest <paramref name="keepCount"/> or older than
    /// <paramref name="maxAge"/>, but never the current version and never one published less than
    /// <paramref name="minAge"/> ago. Returns the retired versions so the caller can delete their folders.
    /// </summary>
    public async Task<IReadOnlyList<DatasetVersion>> ApplyRetentionAsync(string dataset, int keepCount, TimeSpan? maxAge, TimeSpan minAge, CancellationToken cancellationToken)
    {
        var nowValue = time.GetUtcNow();
        var now = Timestamp(nowValue);
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var current = await ScalarAsync(conn, tx, "SELECT current_version FROM datasets WHERE name = @d", [("d", dataset)], cancellationToken);
        var currentVersion = current is null ? (long?)null : Convert.ToInt64(current, CultureInfo.InvariantCulture);
        var live = await QueryAsync(conn, tx, VersionSelect + " WHERE v.dataset = @d AND v.retired_at IS NULL ORDER BY v.version DESC",
            [("d", dataset)], MapVersion, cancellationToken);
        var retire = new List<DatasetVersion>();
        // The count includes the current version, which is always kept: the rest keep the newest keepCount - 1.
        var others = live.Where(v => v.Version != currentVersion).ToList();
        var keepOthers = currentVersion is null ? keepCount : keepCount - 1;
        for (var i = 0; i < others.Count; i++)
        {
            var v = others[i];
            if (nowValue - v.PublishedAt < minAge) continue;
            var tooMany = i >= keepOthers;
            var tooOld = maxAge is { } age && nowValue - v.PublishedAt > age;
            if (!tooMany && !tooOld) continue;
            retire.Add(v);
            await ExecAsync(conn, tx, "UPDATE dataset_versions SET retired_at = @now WHERE dataset = @d AND version = @v",
                [("now", now), ("d", dataset), ("v", v.Version)], cancellationToken);
            await AuditAsync(conn, tx, now, "retention", "retire", dataset, v.Version, null, tooMany ? "count" : "age", cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return retire;
    }

    public async Task<IReadOnlyList<CatalogAuditEntry>> AuditTrailAsync(string? dataset, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, "SELECT at, actor, action, dataset, version, run_id, detail FROM catalog_audit"
            + (dataset is null ? "" : " WHERE dataset = @d") + " ORDER BY at", [("d", dataset)],
            r => new CatalogAuditEntry(ParseTimestamp(r.GetString(0)), r.GetString(1), r.GetString(2), NullableString(r, 3), NullableLong(r, 4),
                NullableString(r, 5), NullableString(r, 6)), cancellationToken);
    }

    public async Task AppendAuditAsync(string actor, string action, string? dataset, long? version, string? runId, string? detail, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await AuditAsync(conn, null, Timestamp(time.GetUtcNow()), actor, action, dataset, version, runId, detail, cancellationToken);
    }

    private static Task AuditAsync(DbConnection conn, DbTransaction? tx, string now, string actor, string action, string? dataset, long? version,
        string? runId, string? detail, CancellationToken cancellationToken) =>
        ExecAsync(conn, tx, "INSERT INTO catalog_audit (at, actor, action, dataset, version, run_id, detail) VALUES (@at, @a, @act, @d, @v, @r, @det)",
            [("at", now), ("a", actor), ("act", action), ("d", dataset), ("v", version), ("r", runId), ("det", detail)], cancellationToken);

    /// <summary>The division scopes the dataset's sources own.</summary>
    public async Task<IReadOnlyList<SourceScope>> ScopesAsync(string dataset, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, "SELECT dataset, source_id, definition_file, scope_json, declared FROM source_scopes WHERE dataset = @d ORDER BY source_id",
            [("d", dataset)], r => new SourceScope(r.GetString(0), r.GetString(1), r.GetString(2),
                System.Text.Json.JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? [], r.GetInt64(4) != 0), cancellationToken);
    }

    public async Task SetScopeAsync(SourceScope scope, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await ExecAsync(conn, null, """
            INSERT INTO source_scopes (dataset, source_id, definition_file, scope_json, declared, updated_at) VALUES (@d, @s, @f, @j, @dec, @now)
            ON CONFLICT (dataset, source_id) DO UPDATE SET definition_file = excluded.definition_file, scope_json = excluded.scope_json,
                declared = excluded.declared, updated_at = excluded.updated_at
            """, [("d", scope.Dataset), ("s", scope.SourceId), ("f", scope.DefinitionFile), ("j", System.Text.Json.JsonSerializer.Serialize(scope.Codes)),
                  ("dec", scope.Declared ? 1 : 0), ("now", Timestamp(time.GetUtcNow()))], cancellationToken);
    }

    /// <summary>Every per-community quality figure of every retained version of every dataset, with when it was computed.</summary>
    public async Task<IReadOnlyList<(string Dataset, long Version, QualityFigure Figure, DateTimeOffset ComputedAt)>> RetainedQualityAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, """
            SELECT q.dataset, q.version, q.community_code, q.field, q.metric, q.value, q.numerator, q.denominator, q.computed_at
            FROM quality_figures q JOIN dataset_versions v ON v.dataset = q.dataset AND v.version = q.version
            WHERE v.retired_at IS NULL AND q.community_code <> '*'
            ORDER BY q.community_code, q.dataset, q.version, q.field, q.metric
            """, [], r => (r.GetString(0), r.GetInt64(1), new QualityFigure(r.GetString(2), r.GetString(3), r.GetString(4), r.GetDouble(5), r.GetInt64(6), r.GetInt64(7)),
                ParseTimestamp(r.GetString(8))), cancellationToken);
    }

    /// <summary>The quality figures stored for a version (all communities).</summary>
    public async Task<IReadOnlyList<QualityFigure>> QualityAsync(string dataset, long version, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, """
            SELECT community_code, field, metric, value, numerator, denominator FROM quality_figures
            WHERE dataset = @d AND version = @v ORDER BY community_code, field, metric
            """, [("d", dataset), ("v", version)],
            r => new QualityFigure(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.GetInt64(4), r.GetInt64(5)), cancellationToken);
    }

    /// <summary>The inputs of every version of <paramref name="dataset"/> (all datasets when null), newest first.</summary>
    public async Task<IReadOnlyList<(string Dataset, long Version, LineageInput Input)>> LineageAsync(string? dataset, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        // No typed NULL test on the parameter: PostgreSQL cannot infer the type of an untyped null.
        return await QueryAsync(conn, null,
            "SELECT dataset, version, input_dataset, input_version, input_run_id FROM dataset_lineage"
            + (dataset is null ? "" : " WHERE dataset = @d") + " ORDER BY dataset, version DESC, input_dataset",
            dataset is null ? [] : [("d", dataset)],
            r => (r.GetString(0), r.GetInt64(1), new LineageInput(r.GetString(2), r.GetInt64(3), r.GetString(4))), cancellationToken);
    }
}
