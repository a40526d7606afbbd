using System.Data.Common;
using DataHub.Catalog.Storage;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Changes;

/// <summary>One change of the catalog: who did what to which principal, key, grant or dataset's metadata.</summary>
/// <param name="Detail">What changed, in words and codes; never a secret or a personal value.</param>
public sealed record CatalogChange(DateTimeOffset At, string Actor, string Kind, string Subject, string Action, string? Detail);

/// <summary>
/// The audit of catalog changes. Written in the same transaction as the change itself, so a change
/// without its record cannot exist; append-only (nothing updates or deletes these rows).
/// </summary>
public sealed class CatalogChangeLog(CatalogDatabase db, ChangeSignal signal)
{
    /// <summary>Runs <paramref name="change"/> in one transaction with its audit row and counter bump; signals after commit.</summary>
    internal async Task<T> RunAsync<T>(ChangeKind kind, Func<DbConnection, DbTransaction, Task<(T Result, CatalogChange Record)>> change, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var (result, record) = await change(conn, tx);
        await AppendAsync(conn, tx, record, cancellationToken);
        await ChangeSignal.BumpInCatalogAsync(conn, tx, kind, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        signal.Bump(kind);
        return result;
    }

    internal static Task AppendAsync(DbConnection conn, DbTransaction tx, CatalogChange c, CancellationToken cancellationToken) =>
        ExecAsync(conn, tx, """
            INSERT INTO catalog_changes (id, at, actor, kind, subject, action, detail)
            VALUES (@id, @at, @actor, @kind, @subject, @action, @detail)
            """,
            [("id", SortableId(c.At)), ("at", Timestamp(c.At)), ("actor", c.Actor), ("kind", c.Kind),
             ("subject", c.Subject), ("action", c.Action), ("detail", c.Detail)], cancellationToken);

    private static long s_sequence;

    // Sorts in the order of the changes of this process even when the clock does not move between them.
    private static string SortableId(DateTimeOffset at) =>
        $"{at.UtcTicks:D19}-{Interlocked.Increment(ref s_sequence) % 1_000_000_000:D9}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";

    /// <summary>Changes, newest first, optionally of one kind / subject / actor and from a time on.</summary>
    public async Task<IReadOnlyList<CatalogChange>> SearchAsync(string? kind, string? subject, string? actor, DateTimeOffset? from, int limit, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var args = new List<(string, object?)> { ("limit", limit) };
        if (kind is not null) { where.Add("kind = @kind"); args.Add(("kind", kind)); }
        if (subject is not null) { where.Add("subject = @subject"); args.Add(("subject", subject)); }
        if (actor is not null) { where.Add("actor = @actor"); args.Add(("actor", actor)); }
        if (from is not null) { where.Add("at >= @from"); args.Add(("from", Timestamp(from.Value))); }
        var sql = "SELECT at, actor, kind, subject, action, detail FROM catalog_changes"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY at DESC, id DESC LIMIT @limit";
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, sql, args,
            r => new CatalogChange(ParseTimestamp(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), NullableString(r, 5)),
            cancellationToken);
    }
}
