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
        // 2: principals' API keys (several per principal, hashes only), the open list (grant ledger)
        // with its history, versioned catalog metadata, the catalog-change audit, change counters
        // (a cheap "something changed" signal across processes), durable access-log reservations
        // and failed logins aggregated per minute.
        (2, """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                principal TEXT NOT NULL REFERENCES principals(name),
                key_hash TEXT NOT NULL UNIQUE,
                label TEXT NOT NULL,
                hint TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                revoked_at TEXT,
                revoked_by TEXT
            );
            CREATE INDEX ix_api_keys_principal ON api_keys (principal);
            INSERT INTO api_keys (id, principal, key_hash, label, hint, created_at, created_by)
                SELECT 'k-' || name, name, api_key_hash, '初始密钥', 'dh_', created_at, 'migration'
                FROM principals WHERE api_key_hash IS NOT NULL;
            UPDATE principals SET api_key_hash = NULL;
            ALTER TABLE principals ADD COLUMN updated_at TEXT;
            CREATE TABLE change_counters (
                kind TEXT PRIMARY KEY,
                value BIGINT NOT NULL
            );
            INSERT INTO change_counters (kind, value) VALUES ('principals', 0);
            INSERT INTO change_counters (kind, value) VALUES ('grants', 0);
            INSERT INTO change_counters (kind, value) VALUES ('metadata', 0);
            CREATE TABLE catalog_changes (
                id TEXT PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                action TEXT NOT NULL,
                detail TEXT
            );
            CREATE INDEX ix_catalog_changes_at ON catalog_changes (at);
            CREATE TABLE grants (
                id TEXT PRIMARY KEY,
                dataset TEXT NOT NULL REFERENCES datasets(name),
                district TEXT NOT NULL,
                audience_level TEXT,
                units TEXT,
                fields TEXT,
                aggregate_only INTEGER NOT NULL,
                share_type TEXT NOT NULL,
                conditions TEXT,
                legal_basis TEXT,
                purpose TEXT,
                valid_from TEXT,
                valid_until TEXT,
                status TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                requested_at TEXT NOT NULL,
                decided_by TEXT,
                decided_at TEXT,
                decision_reason TEXT,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX ix_grants_dataset ON grants (dataset);
            CREATE TABLE grant_history (
                grant_id TEXT NOT NULL REFERENCES grants(id),
                seq INTEGER NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                status TEXT NOT NULL,
                note TEXT,
                PRIMARY KEY (grant_id, seq)
            );
            CREATE TABLE dataset_metadata (
                dataset TEXT NOT NULL REFERENCES datasets(name),
                version INTEGER NOT NULL,
                metadata_json TEXT NOT NULL,
                edited_by TEXT NOT NULL,
                edited_at TEXT NOT NULL,
                PRIMARY KEY (dataset, version)
            );
            ALTER TABLE access_log ADD COLUMN id TEXT;
            ALTER TABLE access_log ADD COLUMN duration_ms BIGINT;
            ALTER TABLE access_log ADD COLUMN client_address TEXT;
            CREATE INDEX ix_access_log_id ON access_log (id);
            CREATE INDEX ix_access_log_principal ON access_log (principal, at);
            CREATE TABLE failed_logins (
                minute TEXT NOT NULL,
                user_name TEXT NOT NULL,
                client_address TEXT NOT NULL,
                attempts BIGINT NOT NULL,
                PRIMARY KEY (minute, user_name, client_address)
            );
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
        // 6 (freshness): each dataset's last judged stale flag, so an alert is raised once per
        // transition across every node (a conditional UPDATE decides which node raises it).
        (6, """
            CREATE TABLE freshness_state (
                dataset TEXT PRIMARY KEY,
                stale INTEGER NOT NULL,
                changed_at TEXT NOT NULL
            );
            """),
        // 8 (derived datasets): the lineage of each published version, i.e. the input dataset
        // versions (and the runs that published them) it was computed from.
        (8, """
            CREATE TABLE dataset_lineage (
                dataset TEXT NOT NULL,
                version BIGINT NOT NULL,
                input_dataset TEXT NOT NULL,
                input_version BIGINT NOT NULL,
                input_run_id TEXT NOT NULL,
                PRIMARY KEY (dataset, version, input_dataset)
            );
            """),
        // Each published run's connector state (the incremental cursor), so a rollback can put every
        // source's cursor back to where the version it makes current was read up to.
        (10, """
            CREATE TABLE source_state_history (
                source_id TEXT NOT NULL,
                run_id TEXT NOT NULL,
                state_json TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                PRIMARY KEY (source_id, run_id)
            );
            """),
    ];
}
