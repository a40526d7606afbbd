using System.Globalization;
using DuckDB.NET.Data;

namespace DataHub.Pipelines.Derived;

/// <summary>
/// The derived tables as DuckDB SQL over the input views and <c>address_pairs</c> (each distinct community + address text once, with its match and its number of records). Definitions
/// (docs/DERIVED.md): a resident is a population row whose status is 在住; age in whole years on the
/// statistics date; a household is the residents of one place (standard address, else the same
/// normalised text in the same community); living alone is a household of one; the same person in
/// population and health shares the record id (both are the keyed hash of the normalised ID number).
/// </summary>
internal static class DerivedSql
{
    public static void Exec(DuckDBConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static string Id(string prefix, string expression) => $"left(md5('{prefix}|' || {expression}), 16)";

    /// <summary>The same id as <see cref="Id"/> computes in SQL, for rows appended from C#.</summary>
    public static string StableId(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>Residents with their age, place and household size; health archives joined by record id.</summary>
    public static void Residents(DuckDBConnection conn, DateOnly asOf)
    {
        var day = $"DATE '{asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";
        Exec(conn, $"""
            CREATE TABLE residents AS
            SELECT p.record_id, p.name, p.gender, p.birth_date, p.current_address, p.phone, p.community_code, p.community_name,
                   p.street_code, p.person_type, m.address_code, m.place_key,
                   CASE WHEN p.birth_date IS NULL THEN NULL
                        ELSE year({day}) - year(p.birth_date) - CASE WHEN strftime({day}, '%m%d') < strftime(p.birth_date, '%m%d') THEN 1 ELSE 0 END END AS age
            FROM population p LEFT JOIN address_pairs m
              ON m.community_code IS NOT DISTINCT FROM p.community_code AND m.address_text IS NOT DISTINCT FROM p.current_address
            WHERE coalesce(p.status, '在住') = '在住';
            CREATE TABLE households AS SELECT place_key, count(*) AS members FROM residents WHERE place_key IS NOT NULL GROUP BY place_key;
            CREATE TABLE care AS
            SELECT r.record_id, h.record_id IS NOT NULL AS archived,
                   coalesce(nullif(trim(h.chronic_diseases), ''), h.primary_diagnosis) AS chronic_diseases,
                   h.family_doctor_signed, h.disability_level
            FROM residents r LEFT JOIN health h ON h.record_id = r.record_id;
            """);
    }

    /// <summary>
    /// <c>person_link</c> as a view: only published, so its rows are computed once, by the COPY that
    /// writes them, instead of being materialised first.
    /// </summary>
    public static void PersonLink(DuckDBConnection conn, bool probableColumns)
    {
        // Different ID numbers but the same name, birth date and community: listed as probable for a
        // person to check, never merged (both single-side rows stay).
        var probable = !probableColumns ? "" : $"""

            UNION ALL
            SELECT {Id("person_link", "p.record_id || '|' || h.record_id || '|probable'")}, {Id("person", "p.record_id || '|' || h.record_id")},
                   p.record_id, h.record_id, 'probable', p.community_code, p.community_name, p.street_code
            FROM population p JOIN health h ON h.name = p.name AND h.birth_date = p.birth_date AND h.community_code = p.community_code
            WHERE h.record_id <> p.record_id
              AND NOT EXISTS (SELECT 1 FROM health x WHERE x.record_id = p.record_id)
              AND NOT EXISTS (SELECT 1 FROM population y WHERE y.record_id = h.record_id)
            """;
        Exec(conn, $"""
            CREATE VIEW person_link AS
            SELECT {Id("person_link", "coalesce(p.record_id, '') || '|' || coalesce(h.record_id, '')")} AS record_id,
                   coalesce(p.record_id, h.record_id) AS person_id, p.record_id AS population_record_id, h.record_id AS health_record_id,
                   CASE WHEN p.record_id IS NOT NULL AND h.record_id IS NOT NULL THEN 'exact'
                        WHEN p.record_id IS NULL THEN 'health_only' ELSE 'population_only' END AS match_kind,
                   coalesce(p.community_code, h.community_code) AS community_code,
                   coalesce(p.community_name, h.community_name) AS community_name,
                   coalesce(p.street_code, h.street_code) AS street_code
            FROM population p FULL OUTER JOIN health h ON h.record_id = p.record_id{probable}
            """);
    }

    public static void HouseOccupancy(DuckDBConnection conn) => Exec(conn, """
        CREATE TABLE house_occupancy AS
        SELECT h.record_id, h.house_code, h.address_code, h.address, h.community_code, h.community_name, h.street_code,
               h.usage, h.is_rented, h.tenant_count,
               coalesce(x.n, 0) AS residents, coalesce(x.floating, 0) AS floating_residents,
               CASE WHEN coalesce(h.usage, '住宅') <> '住宅' THEN '非住宅'
                    WHEN h.is_rented THEN '出租'
                    WHEN coalesce(x.n, 0) > 0 THEN '自住'
                    ELSE '空置' END AS occupancy
        FROM housing h
        LEFT JOIN (SELECT address_code, count(*) AS n, count(*) FILTER (WHERE person_type = '流动') AS floating
                   FROM residents WHERE address_code IS NOT NULL GROUP BY address_code) x ON x.address_code = h.address_code
        """);

    /// <summary>The enterprise register's statuses (enterprise schema enum), each a profile column.</summary>
    private static readonly (string Status, string Column)[] EnterpriseStatuses =
        [("存续", "enterprises_subsisting"), ("在业", "enterprises_operating"), ("注销", "enterprises_cancelled"), ("吊销", "enterprises_revoked"), ("迁出", "enterprises_moved_out")];

    /// <summary>The sections (门类) of GB/T 4754-2017, the letter an industry code starts with; profile columns count the active units per section.</summary>
    private const string IndustrySections = "ABCDEFGHIJKLMNOPQRST";

    public static void CommunityProfile(DuckDBConnection conn, DateOnly asOf)
    {
        var day = $"DATE '{asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";
        Exec(conn, $"""
            CREATE TABLE community_profile AS
            WITH c AS (
                SELECT community_code, max(community_name) AS community_name, max(street_code) AS street_code FROM (
                    SELECT community_code, community_name, street_code FROM population
                    UNION ALL SELECT community_code, community_name, street_code FROM housing
                    UNION ALL SELECT community_code, community_name, street_code FROM enterprise
                    UNION ALL SELECT community_code, community_name, street_code FROM health) GROUP BY community_code),
            r AS (
                SELECT community_code, count(*) AS residents,
                       count(*) FILTER (WHERE gender = '男') AS male, count(*) FILTER (WHERE gender = '女') AS female,
                       count(*) FILTER (WHERE age < 18) AS age_0_17, count(*) FILTER (WHERE age BETWEEN 18 AND 59) AS age_18_59,
                       count(*) FILTER (WHERE age >= 60) AS age_60_plus, count(*) FILTER (WHERE age >= 80) AS age_80_plus,
                       count(*) FILTER (WHERE person_type = '流动') AS floating
                FROM residents GROUP BY community_code),
            alone AS (
                SELECT r.community_code, count(*) FILTER (WHERE r.age >= 60) AS elderly_alone, count(*) FILTER (WHERE r.age >= 80) AS alone_80_plus
                FROM residents r JOIN households h USING (place_key) WHERE h.members = 1 GROUP BY r.community_code),
            hs AS (
                SELECT community_code, count(*) FILTER (WHERE coalesce(usage, '住宅') = '住宅') AS houses,
                       count(*) FILTER (WHERE is_rented) AS rental_units, coalesce(sum(tenant_count) FILTER (WHERE is_rented), 0) AS tenants,
                       count(*) FILTER (WHERE occupancy = '空置') AS vacant_units
                FROM house_occupancy GROUP BY community_code),
            e AS (
                SELECT community_code, count(*) AS enterprises, count(*) FILTER (WHERE registration_status IN ('存续', '在业')) AS enterprises_active,
                       {string.Join(", ", EnterpriseStatuses.Select(st => $"count(*) FILTER (WHERE registration_status = '{st.Status}') AS {st.Column}"))},
                       {string.Join(", ", IndustrySections.Select(c => $"count(*) FILTER (WHERE registration_status IN ('存续', '在业') AND left(industry_code, 1) = '{c}') AS industry_{char.ToLowerInvariant(c)}"))},
                       count(*) FILTER (WHERE registration_status IN ('存续', '在业') AND industry_code IS NULL) AS industry_unknown
                FROM enterprise GROUP BY community_code),
            hl AS (
                SELECT r.community_code, count(*) FILTER (WHERE c.archived) AS health_archives,
                       count(*) FILTER (WHERE c.chronic_diseases IS NOT NULL) AS chronic_patients,
                       count(*) FILTER (WHERE list_contains(string_split(replace(c.chronic_diseases, ' ', ''), ';'), 'I10')) AS hypertension,
                       count(*) FILTER (WHERE regexp_matches(';' || replace(c.chronic_diseases, ' ', ''), ';E1[0-4]')) AS diabetes,
                       count(*) FILTER (WHERE c.family_doctor_signed) AS family_doctor_signed
                FROM residents r JOIN care c USING (record_id) GROUP BY r.community_code),
            um AS (SELECT community_code, sum(records) FILTER (WHERE match_kind NOT IN ('exact', 'normalised'))::BIGINT AS unmatched FROM address_pairs GROUP BY community_code)
            SELECT {Id("community_profile", "c.community_code")} AS record_id, c.community_code, c.community_name, c.street_code, {day} AS as_of,
                   coalesce(r.residents, 0) AS residents, coalesce(r.male, 0) AS male, coalesce(r.female, 0) AS female,
                   coalesce(r.age_0_17, 0) AS age_0_17, coalesce(r.age_18_59, 0) AS age_18_59, coalesce(r.age_60_plus, 0) AS age_60_plus,
                   coalesce(r.age_80_plus, 0) AS age_80_plus, coalesce(r.floating, 0) AS floating,
                   coalesce(alone.elderly_alone, 0) AS elderly_alone, coalesce(alone.alone_80_plus, 0) AS alone_80_plus,
                   coalesce(hs.houses, 0) AS houses, coalesce(hs.rental_units, 0) AS rental_units, coalesce(hs.tenants, 0) AS tenants,
                   coalesce(hs.vacant_units, 0) AS vacant_units,
                   coalesce(e.enterprises, 0) AS enterprises, coalesce(e.enterprises_active, 0) AS enterprises_active,
                   {string.Join(", ", EnterpriseStatuses.Select(st => $"coalesce(e.{st.Column}, 0) AS {st.Column}"))},
                   {string.Join(", ", IndustrySections.Select(c => $"coalesce(e.industry_{char.ToLowerInvariant(c)}, 0) AS industry_{char.ToLowerInvariant(c)}"))},
                   coalesce(e.industry_unknown, 0) AS industry_unknown,
                   coalesce(hl.health_archives, 0) AS health_archives, coalesce(hl.chronic_patients, 0) AS chronic_patients,
                   coalesce(hl.hypertension, 0) AS hypertension, coalesce(hl.diabetes, 0) AS diabetes,
                   coalesce(hl.family_doctor_signed, 0) AS family_doctor_signed,
                   CASE WHEN coalesce(hl.health_archives, 0) = 0 THEN NULL
                        ELSE round(hl.family_doctor_signed::DECIMAL(18, 4) / hl.health_archives, 4) END AS family_doctor_rate,
                   coalesce(um.unmatched, 0) AS unmatched_addresses
            FROM c LEFT JOIN r USING (community_code) LEFT JOIN alone USING (community_code) LEFT JOIN hs USING (community_code)
                   LEFT JOIN e USING (community_code) LEFT JOIN hl USING (community_code) LEFT JOIN um USING (community_code)
            """);
    }

    public static void CommunityEnterprise(DuckDBConnection conn) => Exec(conn, $"""
        CREATE TABLE community_enterprise AS
        SELECT {Id("community_enterprise", "community_code || '|' || section || '|' || registration_status")} AS record_id,
               community_code, max(community_name) AS community_name, max(street_code) AS street_code,
               section AS industry_section, registration_status, count(*) AS enterprises
        FROM (SELECT *, coalesce(left(industry_code, 1), '未知') AS section FROM enterprise)
        GROUP BY community_code, section, registration_status
        """);

    public static void CareLists(DuckDBConnection conn) => Exec(conn, $"""
        CREATE TABLE care_visit_list AS
        SELECT r.record_id, r.name, r.gender, r.birth_date, r.age, r.current_address AS address, r.address_code, r.phone,
               r.community_code, r.community_name, r.street_code, c.chronic_diseases, c.family_doctor_signed
        FROM residents r JOIN households h USING (place_key) JOIN care c USING (record_id)
        WHERE h.members = 1 AND r.age >= 80;
        CREATE TABLE care_household_list AS
        SELECT {Id("care_household_list", "r.address_code")} AS record_id, r.address_code,
               coalesce(max(ho.address), max(r.current_address)) AS address,
               max(r.community_code) AS community_code, max(r.community_name) AS community_name, max(r.street_code) AS street_code,
               count(*) AS members,
               count(*) FILTER (WHERE c.disability_level IN ('轻度失能', '中度失能', '重度失能', '完全失能')) AS disabled_members,
               count(*) FILTER (WHERE c.chronic_diseases IS NOT NULL) AS chronic_members,
               count(*) FILTER (WHERE r.age >= 60) AS elderly_members
        FROM residents r JOIN care c USING (record_id) LEFT JOIN housing ho ON ho.address_code = r.address_code
        WHERE r.address_code IS NOT NULL
        GROUP BY r.address_code
        HAVING count(*) FILTER (WHERE c.disability_level IN ('轻度失能', '中度失能', '重度失能', '完全失能') OR c.chronic_diseases IS NOT NULL) > 0
        """);
}
