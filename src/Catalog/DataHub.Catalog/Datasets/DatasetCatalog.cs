using System.Data.Common;
using System.Text.Json;
using DataHub.Catalog.Runs;
using DataHub.Catalog.Storage;
using DataHub.Core.Schema;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Datasets;

/// <summary>Datasets, their schemas and versions, and the publish transaction.</summary>
public sealed partial class DatasetCatalog(CatalogDatabase db, TimeProvider time)
{
    /// <summary>Registers or updates a dataset's catalog entry and records its schema version.</summary>
    public async Task RegisterAsync(DatasetSchema schema, string schemaJson, DatasetMetadata meta, CancellationToken cancellationToken)
    {
        if (!ShareTypes.All.Contains(meta.ShareType))
            throw new ArgumentException($"共享类型“{meta.ShareType}”无效，应为：{string.Join("、", ShareTypes.All)}", nameof(meta));
        if (!UpdateCycles.All.Contains(meta.UpdateCycle))
            throw new ArgumentException($"更新周期“{meta.UpdateCycle}”无效，应为：{string.Join("、", UpdateCycles.All)}", nameof(meta));
        var now = Timestamp(time.GetUtcNow());
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await ExecAsync(conn, tx, """
            INSERT INTO departments (code, name) VALUES (@code, @name)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name
            """, [("code", meta.ProviderCode), ("name", meta.ProviderName)], cancellationToken);
        await ExecAsync(conn, tx, """
            INSERT INTO datasets (name, title, description, entity_set, provider_code, resource_code, share_type,
                                  share_condition, update_cycle, schema_version, current_version, created_at, updated_at)
            VALUES (@name, @title, @desc, @set, @provider, @resource, @share, @cond, @cycle, @sv, NULL, @now, @now)
            ON CONFLICT (name) DO UPDATE SET title = excluded.title, description = excluded.description,
                entity_set = excluded.entity_set, provider_code = excluded.provider_code,
                resource_code = excluded.resource_code, share_type = excluded.share_type,
                share_condition = excluded.share_condition, update_cycle = excluded.update_cycle,
                schema_version = excluded.schema_version, updated_at = excluded.updated_at
            """,
            [("name", schema.Name), ("title", schema.Title), ("desc", schema.Description), ("set", schema.EntitySetName),
             ("provider", meta.ProviderCode), ("resource", meta.ResourceCode), ("share", meta.ShareType),
             ("cond", meta.ShareCondition), ("cycle", meta.UpdateCycle), ("sv", schema.Version), ("now", now)], cancellationToken);
        await ExecAsync(conn, tx, """
            INSERT INTO dataset_schemas (dataset, schema_version, schema_json, registered_at) VALUES (@d, @v, @j, @now)
            ON CONFLICT (dataset, schema_version) DO NOTHING
            """, [("d", schema.Name), ("v", schema.Version), ("j", schemaJson), ("now", now)], cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DatasetEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, DatasetSelect + " ORDER BY d.name", [], MapDataset, cancellationToken);
    }

    public async Task<DatasetEntry?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        var rows = await QueryAsync(conn, null, DatasetSelect + " WHERE d.name = @n", [("n", name)], MapDataset, cancellationToken);
        return rows.FirstOrDefault();
    }

    /// <summary>The current version of every dataset that has one.</summary>
    public async Task<IReadOnlyList<DatasetVersion>> CurrentVersionsAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, VersionSelect + """
             JOIN datasets d ON d.name = v.dataset AND d.current_version = v.version ORDER BY v.dataset
            """, [], MapVersion, cancellationToken);
    }

    public async Task<DatasetVersion?> GetVersionAsync(string dataset, long version, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        var rows = await QueryAsync(conn, null, VersionSelect + " WHERE v.dataset = @d AND v.version = @v",
            [("d", dataset), ("v", version)], MapVersion, cancellationToken);
        return rows.FirstOrDefault();
    }

    public async Task<IReadOnlyList<DatasetVersion>> VersionsAsync(string dataset, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, VersionSelect + " WHERE v.dataset = @d ORDER BY v.version DESC",
            [("d", dataset)], MapVersion, cancellationToken);
    }

    /// <summary>Every version not yet retired, of every dataset, newest first.</summary>
    public async Task<IReadOnlyList<DatasetVersion>> LiveVersionsAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, VersionSelect + " WHERE v.retired_at IS NULL ORDER BY v.dataset, v.version DESC", [], MapVersion, cancellationToken);
    }

    /// <summary>The schema file text a dataset was registered with at a schema version.</summary>
    public async Task<string?> GetSchemaJsonAsync(string dataset, string schemaVersion, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (string?)await ScalarAsync(conn, null, "SELECT schema_json FROM dataset_schemas WHERE dataset = @d AND schema_version = @v",
            [("d", dataset), ("v", schemaVersion)], cancellationToken);
    }

    /// <summary>The highest version number ever recorded for a dataset (0 if none).</summary>
    public async Task<long> MaxVersionAsync(string dataset, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        var v = await ScalarAsync(conn, null, "SELECT MAX(version) FROM dataset_versions WHERE dataset = @d", [("d", dataset)], cancellationToken);
        return v is null ? 0 : Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// CHECKPOINT (publish): in one transaction, record the new version, switch the dataset's current
    /// pointer, finish the run and store the connector's state. The files must be durable before this
    /// is called; until it commits, readers keep getting the previous version.
    /// </summary>
    public async Task PublishAsync(PublishRequest p, CancellationToken cancellationToken)
    {
        var now = Timestamp(time.GetUtcNow());
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await ExecAsync(conn, tx, """
            INSERT INTO dataset_versions (dataset, version, directory, files_json, row_count, schema_version, run_id, published_at)
            VALUES (@d, @v, @dir, @files, @rows, @sv, @run, @now)
            """,
            [("d", p.Dataset), ("v", p.Version), ("dir", p.Directory), ("files", JsonSerializer.Serialize(p.Files)),
             ("rows", p.RowCount), ("sv", p.SchemaVersion), ("run", p.RunId), ("now", now)], cancellationToken);
        var switched = await ExecAsync(conn, tx, "UPDATE datasets SET current_version = @v, updated_at = @now WHERE name = @d",
            [("v", p.Version), ("now", now), ("d", p.Dataset)], cancellationToken);
        if (switched != 1) throw new InvalidOperationException($"Dataset {p.Dataset} is not registered.");
        if (!p.Derived) await RunLog.FinishAsync(conn, tx, p.RunId, RunStatus.Succeeded, p.Counts, p.Version, p.ReportJson, null, null, now, cancellationToken);
        await InsertPartsAndQualityAsync(conn, tx, p, now, cancellationToken);
        if (p.ConnectorStateJson is not null)
        {
            await ExecAsync(conn, tx, """
                INSERT INTO source_state (source_id, state_json, run_id, updated_at) VALUES (@s, @j, @r, @now)
                ON CONFLICT (source_id) DO UPDATE SET state_json = excluded.state_json, run_id = excluded.run_id, updated_at = excluded.updated_at
                """, [("s", p.SourceId), ("j", p.ConnectorStateJson), ("r", p.RunId), ("now", now)], cancellationToken);
            await ExecAsync(conn, tx, """
                INSERT INTO source_state_history (source_id, run_id, state_json, recorded_at) VALUES (@s, @r, @j, @now)
                ON CONFLICT (source_id, run_id) DO NOTHING
                """, [("s", p.SourceId), ("j", p.ConnectorStateJson), ("r", p.RunId), ("now", now)], cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Marks all but the newest <paramref name="keep"/> versions retired (never the current one) and
    /// returns them, so the caller can delete their folders after in-flight readers have moved on.
    /// </summary>
    public async Task<IReadOnlyList<DatasetVersion>> RetireOldVersionsAsync(string dataset, int keep, CancellationToken cancellationToken)
    {
        var now = Timestamp(time.GetUtcNow());
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var old = await QueryAsync(conn, tx, VersionSelect + """
             JOIN datasets d ON d.name = v.dataset
             WHERE v.dataset = @d AND v.retired_at IS NULL AND (d.current_version IS NULL OR v.version <> d.current_version)
             ORDER BY v.version DESC
            """, [("d", dataset)], MapVersion, cancellationToken);
        var retire = old.Skip(Math.Max(0, keep - 1)).ToList();
        foreach (var v in retire)
        {
            await ExecAsync(conn, tx, "UPDATE dataset_versions SET retired_at = @now WHERE dataset = @d AND version = @v",
                [("now", now), ("d", dataset), ("v", v.Version)], cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return retire;
    }

    public async Task<string?> GetSourceStateAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return (string?)await ScalarAsync(conn, null, "SELECT state_json FROM source_state WHERE source_id = @s", [("s", sourceId)], cancellationToken);
    }

    private const string DatasetSelect = """
        SELECT d.name, d.title, d.description, d.entity_set, d.provider_code, p.name, d.resource_code, d.share_type,
               d.share_condition, d.update_cycle, d.schema_version, d.current_version, d.updated_at
        FROM datasets d JOIN departments p ON p.code = d.provider_code
        """;

    private const string VersionSelect = """
        SELECT v.dataset, v.version, v.directory, v.files_json, v.row_count, v.schema_version, v.run_id, v.published_at, v.retired_at
        FROM dataset_versions v
        """;

    private static DatasetEntry MapDataset(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        new DatasetMetadata(r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), NullableString(r, 8), r.GetString(9)),
        r.GetString(10), NullableLong(r, 11), ParseTimestamp(r.GetString(12)));

    private static DatasetVersion MapVersion(DbDataReader r) => new(
        r.GetString(0), r.GetInt64(1), r.GetString(2),
        JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? [],
        r.GetInt64(4), r.GetString(5), r.GetString(6), ParseTimestamp(r.GetString(7)),
        r.IsDBNull(8) ? null : ParseTimestamp(r.GetString(8)));
}
