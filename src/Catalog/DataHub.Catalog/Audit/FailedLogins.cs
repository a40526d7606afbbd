using System.Globalization;
using DataHub.Catalog.Storage;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Audit;

/// <summary>Failed sign-ins of one user name from one address within one minute.</summary>
public sealed record FailedLoginCount(DateTimeOffset Minute, string UserName, string ClientAddress, long Attempts);

/// <summary>
/// Failed logins for the audit, aggregated per user name + client address per minute: a guessing
/// attack adds one counter per minute and address, not one row per guess, so it cannot fill the
/// disk. The user name is cut to 64 characters (a password typed into the name box stays short).
/// </summary>
public sealed class FailedLogins(CatalogDatabase db, TimeProvider time)
{
    public async Task RecordAsync(string? userName, string? clientAddress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        await using var conn = await db.OpenAsync(cancellationToken);
        await ExecAsync(conn, null, """
            INSERT INTO failed_logins (minute, user_name, client_address, attempts) VALUES (@m, @u, @a, 1)
            ON CONFLICT (minute, user_name, client_address) DO UPDATE SET attempts = failed_logins.attempts + 1
            """, [("m", Timestamp(minute)), ("u", Cap(userName ?? "", 64)), ("a", Cap(clientAddress ?? "", 64))], cancellationToken);
    }

    /// <summary>Counts from <paramref name="from"/> on, newest minute first.</summary>
    public async Task<IReadOnlyList<FailedLoginCount>> SearchAsync(DateTimeOffset? from, string? userName, int limit, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var args = new List<(string, object?)> { ("limit", Math.Clamp(limit, 1, 10_000)) };
        if (from is { } f) { where.Add("minute >= @from"); args.Add(("from", Timestamp(f))); }
        if (userName is { Length: > 0 }) { where.Add("user_name = @u"); args.Add(("u", userName)); }
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, "SELECT minute, user_name, client_address, attempts FROM failed_logins"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY minute DESC, user_name, client_address LIMIT @limit", args,
            r => new FailedLoginCount(ParseTimestamp(r.GetString(0)), r.GetString(1), r.GetString(2), Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture)),
            cancellationToken);
    }

    private static string Cap(string s, int max) => s.Length > max ? s[..max] : s;
}
