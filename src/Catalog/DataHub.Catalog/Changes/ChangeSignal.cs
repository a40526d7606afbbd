using System.Data.Common;
using DataHub.Catalog.Storage;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Changes;

/// <summary>What a change counter counts.</summary>
public enum ChangeKind
{
    /// <summary>Principals and their API keys (disable, enable, reset, issue, revoke…).</summary>
    Principals,
    /// <summary>The open list (grants).</summary>
    Grants,
    /// <summary>Catalog metadata of datasets.</summary>
    Metadata,
}

/// <summary>
/// A cheap "something changed" signal, so caches on the hot path (credentials, grants) can be
/// dropped at once without a catalog round trip per request. Every change of this process bumps
/// the in-memory counter right after its transaction commits; changes made by another process
/// (a CLI verb while <c>serve</c> runs) are seen by <see cref="PollAsync"/>, which reads the
/// catalog's <c>change_counters</c> row (bumped in the same transaction as each change).
/// Consumers remember the value they built their cache at and rebuild when it differs.
/// </summary>
public sealed class ChangeSignal(CatalogDatabase db)
{
    private readonly long[] _local = new long[3];
    private readonly long[] _seenInCatalog = [-1, -1, -1];

    /// <summary>Raised after a change of this process or one seen by <see cref="PollAsync"/>.</summary>
    public event Action<ChangeKind>? Changed;

    /// <summary>The counter for <paramref name="kind"/>; it only grows.</summary>
    public long Version(ChangeKind kind) => Interlocked.Read(ref _local[(int)kind]);

    /// <summary>Reads the catalog's counters; bumps (and raises) those another process has changed.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        var rows = await QueryAsync(conn, null, "SELECT kind, value FROM change_counters", [],
            r => (Kind: r.GetString(0), Value: Convert.ToInt64(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
        foreach (var (kindName, value) in rows)
        {
            if (!TryParse(kindName, out var kind)) continue;
            var i = (int)kind;
            var seen = Interlocked.Exchange(ref _seenInCatalog[i], value);
            if (seen >= 0 && seen != value) Bump(kind);
        }
    }

    internal void Bump(ChangeKind kind)
    {
        Interlocked.Increment(ref _local[(int)kind]);
        Changed?.Invoke(kind);
    }

    /// <summary>Bumps the catalog counter inside the change's own transaction.</summary>
    internal static Task BumpInCatalogAsync(DbConnection conn, DbTransaction tx, ChangeKind kind, CancellationToken cancellationToken) =>
        ExecAsync(conn, tx, "UPDATE change_counters SET value = value + 1 WHERE kind = @k", [("k", Name(kind))], cancellationToken);

    internal static string Name(ChangeKind kind) => kind switch
    {
        ChangeKind.Principals => "principals",
        ChangeKind.Grants => "grants",
        _ => "metadata",
    };

    private static bool TryParse(string name, out ChangeKind kind)
    {
        kind = name switch { "principals" => ChangeKind.Principals, "grants" => ChangeKind.Grants, _ => ChangeKind.Metadata };
        return name is "principals" or "grants" or "metadata";
    }
}
