using Microsoft.Data.Sqlite;

namespace DataHub.Simulators.District.Stores;

/// <summary>
/// What the simulated 市场监管 API and 卫健 FHIR server serve, in one SQLite file
/// (simulator/district.db) so that <c>simulate advance</c> in another process changes what the
/// running servers answer. Times are Beijing-time ISO text (one offset, so they sort as text).
/// </summary>
internal sealed class DistrictStore(string path)
{
    public string Path { get; } = path;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString();

    public SqliteConnection Open()
    {
        var conn = new SqliteConnection(ConnectionString);
        conn.Open();
        using var pragma = conn.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 5000;";
        pragma.ExecuteNonQuery();
        return conn;
    }

    public void Create()
    {
        if (File.Exists(Path)) File.Delete(Path);
        using var conn = Open();
        Exec(conn, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE enterprise (seq INTEGER PRIMARY KEY, credit_code TEXT NOT NULL, updated TEXT NOT NULL, json TEXT NOT NULL);
            CREATE INDEX enterprise_updated ON enterprise (updated);
            CREATE TABLE fhir (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, id TEXT NOT NULL, patient TEXT,
                updated TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (type, id));
            CREATE INDEX fhir_type_updated ON fhir (type, updated);
            CREATE INDEX fhir_patient ON fhir (patient);
            -- The FHIR server pages by seq within a type: without this index every page sorts every resource of the type.
            CREATE INDEX fhir_type_seq ON fhir (type, seq);
            """);
    }

    /// <summary>
    /// Refreshes SQLite's statistics after a bulk write, so the planner looks a page's patients up by
    /// the patient index instead of reading every Condition and CarePlan for each page.
    /// </summary>
    public void Analyze()
    {
        using var conn = Open();
        Exec(conn, "ANALYZE;");
    }

    public static void Exec(SqliteConnection conn, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    public static void UpsertEnterprise(SqliteConnection conn, SqliteTransaction tx, long seq, string creditCode, string updated, string json) =>
        Exec(conn, """
            INSERT INTO enterprise (seq, credit_code, updated, json) VALUES ($seq, $code, $updated, $json)
            ON CONFLICT (seq) DO UPDATE SET credit_code = excluded.credit_code, updated = excluded.updated, json = excluded.json
            """, tx, ("$seq", seq), ("$code", creditCode), ("$updated", updated), ("$json", json));

    public static void UpsertResource(SqliteConnection conn, SqliteTransaction tx, string type, string id, string? patient, string updated, string json) =>
        Exec(conn, """
            INSERT INTO fhir (type, id, patient, updated, json) VALUES ($type, $id, $patient, $updated, $json)
            ON CONFLICT (type, id) DO UPDATE SET patient = excluded.patient, updated = excluded.updated, json = excluded.json
            """, tx, ("$type", type), ("$id", id), ("$patient", patient), ("$updated", updated), ("$json", json));
}
