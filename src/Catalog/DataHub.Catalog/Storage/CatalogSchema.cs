namespace DataHub.Catalog.Storage;

/// <summary>
/// The catalog's tables, as numbered migrations. Each statement is plain SQL that SQLite and
/// PostgreSQL both accept (TEXT timestamps in ISO 8601 with offset, BIGINT counters), so the
/// same migrations serve the embedded default and a PostgreSQL deployment.
/// </summary>
internal static class CatalogSchema
{
    public static readonly (int Version, string Sql)[] Migrations =
    [
        (1, """
            CREATE TABLE departments (
                code TEXT PRIMARY KEY,
                name TEXT NOT NULL
            );
            CREATE TABLE datasets (
                name TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                description TEXT NOT NULL,
                entity_set TEXT NOT NULL UNIQUE,
                provider_code TEXT NOT NULL REFERENCES departments(code),
                resource_code TEXT NOT NULL,
                share_type TEXT NOT NULL,
                share_condition TEXT,
                update_cycle TEXT NOT NULL,
                schema_version TEXT NOT NULL,
                current_version BIGINT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE dataset_schemas (
                dataset TEXT NOT NULL REFERENCES datasets(name),
                schema_version TEXT NOT NULL,
                schema_json TEXT NOT NULL,
                registered_at TEXT NOT NULL,
                PRIMARY KEY (dataset, schema_version)
            );
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                source_id TEXT NOT NULL,
                dataset TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL,
                rows_read BIGINT,
                rows_accepted BIGINT,
                rows_quarantined BIGINT,
                rows_duplicates BIGINT,
                version BIGINT,
                report_json TEXT,
                error_code TEXT,
                error_message TEXT
            );
            CREATE INDEX ix_runs_dataset ON runs (dataset, started_at);
            CREATE TABLE dataset_versions (
                dataset TEXT NOT NULL REFERENCES datasets(name),
                version BIGINT NOT NULL,
                directory TEXT NOT NULL,
                files_json TEXT NOT NULL,
                row_count BIGINT NOT NULL,
                schema_version TEXT NOT NULL,
                run_id TEXT NOT NULL REFERENCES runs(id),
                published_at TEXT NOT NULL,
                retired_at TEXT,
                PRIMARY KEY (dataset, version)
            );
            CREATE TABLE source_state (
                source_id TEXT PRIMARY KEY,
                state_json TEXT NOT NULL,
                run_id TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE divisions (
                code TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                level INTEGER NOT NULL,
                parent_code TEXT,
                reference_version TEXT NOT NULL
            );
            CREATE TABLE principals (
                name TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                role TEXT NOT NULL,
                scope_code TEXT NOT NULL,
                password_hash TEXT,
                api_key_hash TEXT UNIQUE,
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL
            );
            CREATE TABLE access_log (
                at TEXT NOT NULL,
                principal TEXT NOT NULL,
                dataset TEXT,
                version BIGINT,
                method TEXT NOT NULL,
                path TEXT NOT NULL,
                status INTEGER NOT NULL,
                rows_returned BIGINT NOT NULL,
                error_code TEXT,
                client TEXT
            );
            CREATE INDEX ix_access_log_at ON access_log (at);
            """),
        (3, """
            CREATE TABLE version_parts (
                dataset TEXT NOT NULL,
                version BIGINT NOT NULL,
                source_id TEXT NOT NULL,
                file TEXT NOT NULL,
                row_count BIGINT NOT NULL,
                rows_read BIGINT NOT NULL,
                content_hash TEXT NOT NULL,
                run_id TEXT NOT NULL,
                PRIMARY KEY (dataset, version, source_id)
            );
            CREATE TABLE source_scopes (
                dataset TEXT NOT NULL,
                source_id TEXT NOT NULL,
                definition_file TEXT NOT NULL,
                scope_json TEXT NOT NULL,
                declared INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (dataset, source_id)
            );
            CREATE TABLE held_runs (
                run_id TEXT PRIMARY KEY,
                dataset TEXT NOT NULL,
                source_id TEXT NOT NULL,
                base_version BIGINT,
                directory TEXT NOT NULL,
                request_json TEXT NOT NULL,
                held_at TEXT NOT NULL
            );
            CREATE TABLE catalog_audit (
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                dataset TEXT,
                version BIGINT,
                run_id TEXT,
                detail TEXT
            );
            CREATE TABLE quality_figures (
                dataset TEXT NOT NULL,
                version BIGINT NOT NULL,
                community_code TEXT NOT NULL,
                field TEXT NOT NULL,
                metric TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                numerator BIGINT NOT NULL,
                denominator BIGINT NOT NULL,
                computed_at TEXT NOT NULL,
                PRIMARY KEY (dataset, version, community_code, field, metric)
            );
            """),
        // 5 (operations): why a run failed (config / data / transient / system / interrupted, so a
        // scheduler retries only what may pass on retry) and which process ran it (node:pid).
        (5, """
            ALTER TABLE runs ADD COLUMN failure_kind TEXT;
            ALTER TABLE runs ADD COLUMN node TEXT;
            """),
    ];
}
