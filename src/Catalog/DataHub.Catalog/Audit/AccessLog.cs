using DataHub.Catalog.Storage;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Audit;

/// <summary>
/// One data access, for the audit trail. Holds who, what dataset and version, the path and query
/// as requested (query options are the principal's own words, never row values), the outcome and
/// how many rows left the server.
/// </summary>
public sealed record AccessRecord(
    DateTimeOffset At,
    string Principal,
    string? Dataset,
    long? Version,
    string Method,
    string Path,
    int Status,
    long RowsReturned,
    string? ErrorCode,
    string? Client);

/// <summary>The audit trail of data access; kept apart from diagnostic logs.</summary>
public sealed class AccessLog(CatalogDatabase db)
{
    public async Task AppendAsync(AccessRecord a, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await ExecAsync(conn, null, """
            INSERT INTO access_log (at, principal, dataset, version, method, path, status, rows_returned, error_code, client)
            VALUES (@at, @p, @d, @v, @m, @path, @s, @rows, @err, @client)
            """,
            [("at", Timestamp(a.At)), ("p", a.Principal), ("d", a.Dataset), ("v", a.Version), ("m", a.Method),
             ("path", a.Path.Length > 4000 ? a.Path[..4000] : a.Path), ("s", a.Status), ("rows", a.RowsReturned),
             ("err", a.ErrorCode), ("client", a.Client is { Length: > 200 } c ? c[..200] : a.Client)], cancellationToken);
    }

    public async Task<IReadOnlyList<AccessRecord>> RecentAsync(int limit, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, """
            SELECT at, principal, dataset, version, method, path, status, rows_returned, error_code, client
            FROM access_log ORDER BY at DESC LIMIT @limit
            """, [("limit", limit)], r => new AccessRecord(ParseTimestamp(r.GetString(0)), r.GetString(1), NullableString(r, 2),
                NullableLong(r, 3), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetInt64(7), NullableString(r, 8), NullableString(r, 9)),
            cancellationToken);
    }
}
