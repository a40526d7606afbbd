using System.Globalization;
using DataHub.Core.Schema;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Lake;

/// <summary>The end of a quarantine reprocess: the rows that now pass are merged into the source's current part.</summary>
internal sealed partial class RunStage
{
    /// <summary>
    /// Writes the source's new part: its current part plus the reprocessed rows that now pass. Among the
    /// reprocessed rows the usual rule applies (newest by the version field, then the later line). Against
    /// the published rows, a reprocessed row whose key is already there is
    /// <list type="bullet">
    /// <item>a key conflict (quarantined with both rows) when an identity field disagrees;</item>
    /// <item>the new row of that key when its version field is strictly newer (the published row is replaced);</item>
    /// <item>otherwise a duplicate: the published row stays (its source line is not recorded in the part,
    /// so a tie keeps what readers already have).</item>
    /// </list>
    /// The field-issue file of the part is carried over from <paramref name="previousFieldIssues"/>
    /// (without the rows replaced) plus the issues of the rows added, so validity figures stay whole.
    /// </summary>
    public StageResult FinishReprocess(string versionDirectory, string partFileName, string runDirectory, string previousPart, string? previousFieldIssues)
    {
        var (key, rows, duplicates, conflicts) = LoadAndRank();
        var typed = string.Join(", ", _schema.Fields.Select(f => f.Type == FieldType.String
            ? Quote(f.Name)
            : $"CAST({Quote(f.Name)} AS {For(f)}) AS {Quote(f.Name)}"));
        Exec($"CREATE TABLE delta AS SELECT {typed}, _line FROM accepted SEMI JOIN (SELECT _line FROM ranked WHERE _rank = 1) kept USING (_line)");
        Exec($"CREATE TABLE previous AS SELECT * FROM read_parquet({Literal(previousPart)})");
        var identity = _schema.Identity.Where(f => _schema.FindField(f) is not null).ToArray();
        var differs = identity.Length == 0 ? "false" : string.Join(" OR ", identity.Select(f => $"d.{Quote(f)} IS DISTINCT FROM p.{Quote(f)}"));
        var newer = _schema.VersionField is { } vf ? $"coalesce(d.{Quote(vf)} > p.{Quote(vf)}, false)" : "false";
        Exec($"""
            CREATE TABLE against AS
            SELECT d._line, d.{key} AS _key,
                   CASE WHEN p.{key} IS NULL THEN 'new' WHEN {differs} THEN 'conflict' WHEN {newer} THEN 'replace' ELSE 'duplicate' END AS _outcome
            FROM delta d LEFT JOIN previous p ON p.{key} = d.{key};
            INSERT INTO quarantine
            SELECT a._line, 'KEY_CONFLICT',
                   '与当前版本中已发布的一行{_schema.Field(_schema.NaturalKey[0]).Title}相同，但{string.Join("/", identity.Select(f => _schema.Field(f).Title))}不一致；保留已发布的行',
                   json_object('line', a._line, 'row', to_json(s), 'kept_line', NULL, 'kept_row', to_json(p))::VARCHAR, 'key_conflict'
            FROM against a JOIN accepted s ON s._line = a._line JOIN previous p ON p.{key} = a._key
            WHERE a._outcome = 'conflict';
            """);
        var outcomes = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var cmd = _conn.CreateCommand())
        {
            cmd.CommandText = "SELECT _outcome, count(*) FROM against GROUP BY 1";
            using var r = cmd.ExecuteReader();
            while (r.Read()) outcomes[r.GetString(0)] = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
        }
        var inserted = outcomes.GetValueOrDefault("new");
        var updated = outcomes.GetValueOrDefault("replace");
        conflicts += outcomes.GetValueOrDefault("conflict");
        duplicates += outcomes.GetValueOrDefault("duplicate");
        if (inserted + updated + outcomes.GetValueOrDefault("conflict") + outcomes.GetValueOrDefault("duplicate") != rows)
            throw new InvalidOperationException("Reprocessed rows do not add up against the published part.");
        _keptLines = "SELECT _line FROM against WHERE _outcome IN ('new', 'replace')";

        var order = _schema.ScopeField is { } scope ? $"{Quote(scope)}, {key}" : key;
        Directory.CreateDirectory(versionDirectory);
        var part = Path.Combine(versionDirectory, partFileName);
        // BY NAME: a part written under an older schema version still lines up column by column.
        Exec($"""
            COPY (SELECT * FROM (
                    SELECT * FROM previous p WHERE p.{key} NOT IN (SELECT _key FROM against WHERE _outcome = 'replace')
                    UNION ALL BY NAME SELECT d.* EXCLUDE (_line) FROM delta d SEMI JOIN ({_keptLines}) k USING (_line))
                  ORDER BY {order}) TO {Literal(part)} {PublishedParquet}
            """);
        var versionRows = Scalar($"SELECT count(*) FROM read_parquet({Literal(part)})");

        Exec($"""
            COPY (SELECT _line AS source_line, _key AS record_id, _kept_line AS kept_line FROM ranked WHERE _rank > 1 AND _line NOT IN (SELECT _line FROM conflicts)
                  UNION ALL SELECT _line, _key, CAST(NULL AS BIGINT) FROM against WHERE _outcome = 'duplicate'
                  ORDER BY source_line) TO {Literal(Path.Combine(runDirectory, "duplicates.parquet"))} (FORMAT parquet)
            """);
        Exec($"COPY (SELECT * FROM quarantine ORDER BY source_line) TO {Literal(QuarantineFile.In(runDirectory))} (FORMAT parquet)");
        var carried = "";
        if (previousFieldIssues is not null && File.Exists(previousFieldIssues))
        {
            var hasRecordId = Scalar($"SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet({Literal(previousFieldIssues)})) WHERE column_name = 'record_id'") > 0;
            var recordId = hasRecordId ? "record_id" : "CAST(NULL AS VARCHAR)";
            var notReplaced = hasRecordId ? "WHERE record_id IS NULL OR record_id NOT IN (SELECT _key FROM against WHERE _outcome = 'replace')" : "";
            carried = $"""
                SELECT source_line, community_code, field, reason_code, reason, original_value, {recordId} AS record_id
                FROM read_parquet({Literal(previousFieldIssues)}) {notReplaced}
                UNION ALL
                """;
        }
        Exec($"""
            COPY (SELECT * FROM ({carried}
                  SELECT f.* FROM field_issues f SEMI JOIN ({_keptLines}) k ON k._line = f.source_line)
                  ORDER BY source_line, field) TO {Literal(Path.Combine(runDirectory, "field_issues.parquet"))} (FORMAT parquet)
            """);
        FileModes.RestrictDirectory(runDirectory);
        return new StageResult(inserted + updated, duplicates, conflicts, inserted, updated, 0, versionRows, part);
    }
}
