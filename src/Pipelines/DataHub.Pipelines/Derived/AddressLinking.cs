using System.Collections.Concurrent;
using DataHub.Pipelines.Resolution;
using DuckDB.NET.Data;

namespace DataHub.Pipelines.Derived;

/// <summary>
/// Links every population, housing and enterprise record to a standard address (一标): the address
/// dataset when one is published, else the houses of the housing register (each house is a standard
/// address). Writes the table <c>address_pairs</c>, one row per distinct community + address text with its number of records (and from it the published <c>address_match</c> view): the matched code only when the match is certain
/// (exact or normalised), the candidate of a probable match for a person to check, and a place key
/// that groups the records of one dwelling even when its standard address is missing (the
/// normalised text within the community), so households are still counted.
/// </summary>
internal static class AddressLinking
{
    public static void Build(DuckDBConnection conn, CancellationToken cancellationToken)
    {
        var matcher = new AddressMatcher(StandardAddresses(conn));
        // A match depends only on the address text and the record's community, and the people of one
        // household share both: each distinct pair is matched once (on every core), with the number of
        // records that share it, instead of parsing the same address once per resident. No per-record
        // link table: residents join the pairs on (community, text), the unmatched figure sums their
        // record counts, and address_match joins them when it is written. The records are a view over
        // the inputs' Parquet files, read twice (pairs, then the address_match COPY).
        DerivedSql.Exec(conn, """
            CREATE VIEW address_records AS
            SELECT 'population' AS dataset, record_id AS source_record_id, community_code, current_address AS address_text FROM population
            UNION ALL SELECT 'housing', record_id, community_code, address FROM housing
            UNION ALL SELECT 'enterprise', record_id, community_code, address FROM enterprise;
            CREATE TABLE address_pairs (community_code VARCHAR, address_text VARCHAR, records BIGINT, address_code VARCHAR,
                candidate_address_code VARCHAR, match_kind VARCHAR, place_key VARCHAR);
            """);
        // The pairs are read on a second connection to the same database: one connection cannot
        // stream a result while its appender flushes. The appender is closed before the next statement.
        using (var reading = new DuckDBConnection(conn.ConnectionString))
        {
            reading.Open();
            using var appender = conn.CreateAppender("address_pairs");
            Append(reading, appender, matcher, cancellationToken);
        }
        // The published table, one row per record with the record's community and street: a view, so
        // its rows are computed once, by the COPY that writes them.
        DerivedSql.Exec(conn, """
            CREATE VIEW address_match AS
            WITH names AS (SELECT community_code, max(community_name) AS community_name FROM (
                SELECT community_code, community_name FROM population UNION ALL SELECT community_code, community_name FROM housing
                UNION ALL SELECT community_code, community_name FROM enterprise) GROUP BY community_code)
            SELECT left(md5('address_match|' || l.dataset || '|' || l.source_record_id), 16) AS record_id, l.dataset, l.source_record_id,
                   l.community_code, n.community_name, left(l.community_code, 9) AS street_code,
                   m.address_code, m.candidate_address_code, m.match_kind
            FROM address_records l JOIN address_pairs m
              ON m.community_code IS NOT DISTINCT FROM l.community_code AND m.address_text IS NOT DISTINCT FROM l.address_text
            LEFT JOIN names n ON n.community_code = l.community_code
            """);
    }

    /// <summary>
    /// Pairs matched per chunk on every core (the matcher is read-only), appended in chunk order. The
    /// reader fills the next chunk on its own thread while this one matches and appends the last:
    /// reading and appending are one-threaded each, so overlapping them keeps both cores busy. At
    /// most two chunks wait, so memory stays a few chunks.
    /// </summary>
    private static void Append(DuckDBConnection reading, DuckDBAppender appender, AddressMatcher matcher, CancellationToken cancellationToken)
    {
        const int Chunk = 8192;
        using var chunks = new BlockingCollection<List<(string? Community, string? Text, long Records)>>(boundedCapacity: 2);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() =>
        {
            try
            {
                using var cmd = reading.CreateCommand();
                cmd.CommandText = "SELECT community_code, address_text, count(*) FROM address_records GROUP BY ALL";
                using var reader = cmd.ExecuteReader();
                var pairs = new List<(string? Community, string? Text, long Records)>(Chunk);
                while (reader.Read())
                {
                    pairs.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2)));
                    if (pairs.Count < Chunk) continue;
                    chunks.Add(pairs, stop.Token);
                    pairs = new(Chunk);
                }
                if (pairs.Count > 0) chunks.Add(pairs, stop.Token);
            }
            finally
            {
                chunks.CompleteAdding();
            }
        }, CancellationToken.None);

        var results = new (string? Certain, string? Candidate, string Kind, string? Place)[Chunk];
        try
        {
            foreach (var pairs in chunks.GetConsumingEnumerable(cancellationToken))
            {
                Parallel.For(0, pairs.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                {
                    var (community, text, _) = pairs[i];
                    var match = matcher.Match(text, community, out var mainParsed);
                    var certain = match.IsCertain ? match.Address!.AddressCode : null;
                    results[i] = (certain, match.Kind == AddressMatchKind.Probable ? match.Address!.AddressCode : null, Kind(match.Kind), certain ?? PlaceKey(community, text, mainParsed));
                });
                for (var i = 0; i < pairs.Count; i++)
                {
                    var (certain, candidate, kind, place) = results[i];
                    appender.CreateRow().AppendValue(pairs[i].Community).AppendValue(pairs[i].Text).AppendValue(pairs[i].Records)
                        .AppendValue(certain).AppendValue(candidate).AppendValue(kind).AppendValue(place).EndRow();
                }
            }
        }
        catch
        {
            // Unblock and end the reader before the connection it reads on goes away; this failure is the one reported.
            stop.Cancel();
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
            }
            throw;
        }
        // The reader's own failure (a DuckDB error) ends the chunks early: report it.
        producer.GetAwaiter().GetResult();
    }

    /// <summary>
    /// The dwelling of a record without a certain standard address: its parsed place (road, door,
    /// estate, building, unit, room) within its community, so notes, quotes or line breaks typed
    /// into one record do not split a household; the normalised text when nothing parses.
    /// </summary>
    /// <param name="mainParsed">The parse of the text without its note, when the matcher made it (else parsed here).</param>
    private static string? PlaceKey(string? community, string? text, ParsedAddress? mainParsed)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = AddressMatcher.WithoutNote(text) ?? text;
        var parsed = mainParsed ?? ChineseAddressParser.Parse(text);
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
