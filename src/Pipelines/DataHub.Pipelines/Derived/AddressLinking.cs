using DataHub.Pipelines.Resolution;
using DuckDB.NET.Data;

namespace DataHub.Pipelines.Derived;

/// <summary>
/// Links every population, housing and enterprise record to a standard address (一标): the address
/// dataset when one is published, else the houses of the housing register (each house is a standard
/// address). Writes the table <c>address_links</c> (and from it the published <c>address_match</c>): the matched code only when the match is certain
/// (exact or normalised), the candidate of a probable match for a person to check, and a place key
/// that groups the records of one dwelling even when its standard address is missing (the
/// normalised text within the community), so households are still counted.
/// </summary>
internal static class AddressLinking
{
    public static void Build(DuckDBConnection conn, CancellationToken cancellationToken)
    {
        var matcher = new AddressMatcher(StandardAddresses(conn));
        DerivedSql.Exec(conn, """
            CREATE TABLE address_links (dataset VARCHAR, source_record_id VARCHAR, community_code VARCHAR, address_code VARCHAR,
                candidate_address_code VARCHAR, match_kind VARCHAR, place_key VARCHAR)
            """);
        // The records are read on a second connection to the same database: one connection cannot
        // stream a result while its appender flushes. The appender is closed before the next statement.
        using (var reading = conn.Duplicate())
        {
            reading.Open();
            using var appender = conn.CreateAppender("address_links");
            Append(reading, appender, matcher, cancellationToken);
        }
        // The published table: one row per record, with the record's community and street.
        DerivedSql.Exec(conn, """
            CREATE TABLE address_match AS
            WITH names AS (SELECT community_code, max(community_name) AS community_name FROM (
                SELECT community_code, community_name FROM population UNION ALL SELECT community_code, community_name FROM housing
                UNION ALL SELECT community_code, community_name FROM enterprise) GROUP BY community_code)
            SELECT left(md5('address_match|' || l.dataset || '|' || l.source_record_id), 16) AS record_id, l.dataset, l.source_record_id,
                   l.community_code, n.community_name, left(l.community_code, 9) AS street_code,
                   l.address_code, l.candidate_address_code, l.match_kind
            FROM address_links l LEFT JOIN names n USING (community_code)
            """);
    }

    private static void Append(DuckDBConnection reading, DuckDBAppender appender, AddressMatcher matcher, CancellationToken cancellationToken)
    {
        foreach (var (dataset, sql) in new[]
        {
            ("population", "SELECT record_id, community_code, current_address FROM population"),
            ("housing", "SELECT record_id, community_code, address FROM housing"),
            ("enterprise", "SELECT record_id, community_code, address FROM enterprise"),
        })
        {
            using var cmd = reading.CreateCommand();
            cmd.CommandText = sql;
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var community = reader.IsDBNull(1) ? null : reader.GetString(1);
                var text = reader.IsDBNull(2) ? null : reader.GetString(2);
                var match = matcher.Match(text, community);
                var certain = match.IsCertain ? match.Address!.AddressCode : null;
                var place = certain ?? PlaceKey(community, text);
                appender.CreateRow()
                    .AppendValue(dataset).AppendValue(reader.GetString(0)).AppendValue(community)
                    .AppendValue(certain).AppendValue(match.Kind == AddressMatchKind.Probable ? match.Address!.AddressCode : null)
                    .AppendValue(Kind(match.Kind)).AppendValue(place).EndRow();
            }
        }
    }

    /// <summary>
    /// The dwelling of a record without a certain standard address: its parsed place (road, door,
    /// estate, building, unit, room) within its community, so notes, quotes or line breaks typed
    /// into one record do not split a household; the normalised text when nothing parses.
    /// </summary>
    private static string? PlaceKey(string? community, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = AddressMatcher.WithoutNote(text) ?? text;
        var parsed = ChineseAddressParser.Parse(text);
        return parsed.HasNoPlace ? "text:" + community + ":" + ChineseAddressParser.Normalize(text) : "place:" + community + ":" + parsed.PlaceKey;
    }

    private static string Kind(AddressMatchKind kind) => kind switch
    {
        AddressMatchKind.Exact => "exact",
        AddressMatchKind.Normalised => "normalised",
        AddressMatchKind.Probable => "probable",
        _ => "none",
    };

    /// <summary>The standard addresses: the address dataset's own parts, plus the houses whose code it lacks.</summary>
    internal static List<StandardAddress> StandardAddresses(DuckDBConnection conn)
    {
        var list = new List<StandardAddress>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = """
                SELECT address_code, community_code, full_address, road_name, door_no, residential_area, building_no, unit_no, room_no
                FROM address WHERE coalesce(address_status, '有效') <> '注销'
                """;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (!seen.Add(r.GetString(0))) continue;
                list.Add(new StandardAddress(r.GetString(0), r.GetString(1), r.GetString(2), S(r, 3), S(r, 4), S(r, 5), S(r, 6), S(r, 7), S(r, 8)));
            }
        }
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT address_code, community_code, address FROM housing WHERE address_code IS NOT NULL AND address IS NOT NULL";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (seen.Add(r.GetString(0))) list.Add(AddressMatcher.FromText(r.GetString(0), r.GetString(1), r.GetString(2)));
            }
        }
        return list;
    }

    private static string? S(DuckDBDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
