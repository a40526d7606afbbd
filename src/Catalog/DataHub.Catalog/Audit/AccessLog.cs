using System.Data.Common;
using System.Globalization;
using DataHub.Catalog.Storage;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Audit;

/// <summary>
/// One data access, for the audit trail: who, what dataset and version, the path and query
/// options as redacted by <see cref="AuditRedaction"/> (never row values or secrets), the outcome,
/// how many rows left the server, how long it took and from where.
/// </summary>
/// <param name="Client">The client software (User-Agent).</param>
/// <param name="ClientAddress">The caller's IP address (after trusted forwarded headers).</param>
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
    string? Client,
    long? DurationMs = null,
    string? ClientAddress = null,
    string? Id = null);

/// <summary>Filters of an audit search; every one optional.</summary>
public sealed record AccessQuery(
    string? Principal = null,
    string? Dataset = null,
    int? Status = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int Limit = 200,
    int Offset = 0);

/// <summary>
/// The audit trail of data access; kept apart from diagnostic logs, append-only for callers.
/// A feed answer is <see cref="ReserveAsync">reserved</see> (a durable row with error code
/// <see cref="Incomplete"/>) before the first byte of data leaves and <see cref="CompleteAsync">completed</see>
/// afterwards with the rows sent; a row that stays incomplete means the answer may have left and
/// its completion was lost (crash, full disk) — an auditor sees it rather than nothing.
/// </summary>
public sealed class AccessLog(CatalogDatabase db)
{
    /// <summary>Error code of a reserved record whose answer has not been completed.</summary>
    public const string Incomplete = "INCOMPLETE";

    private readonly SemaphoreSlim _journalGate = new(1, 1);
    private AccessJournal? _journal;
    private int _journalUsers;

    /// <summary>
    /// From now on, reservations and completions go to a local journal under <paramref name="folder"/>
    /// (see <see cref="AccessJournal"/>) and are moved into the catalog in the background, after
    /// <paramref name="coalesce"/> (so one transaction moves a burst); what ended processes left
    /// there is moved first. Searches of this process flush the journal first, so they see every
    /// record; another process sees them after the move (coalesce time plus one transaction).
    /// </summary>
    /// <remarks>Two web hosts over one catalog object (tests) share the journal; the last close closes it.</remarks>
    public async Task OpenJournalAsync(string folder, TimeSpan coalesce, Action<Exception> moveFailed, CancellationToken cancellationToken)
    {
        await _journalGate.WaitAsync(cancellationToken);
        try
        {
            _journal ??= await AccessJournal.OpenAsync(folder, MoveAsync, moveFailed, coalesce, cancellationToken);
            _journalUsers++;
        }
        finally
        {
            _journalGate.Release();
        }
    }

    /// <summary>Moves what the journal holds into the catalog and writes directly again (after the last user closes it).</summary>
    public async Task CloseJournalAsync()
    {
        await _journalGate.WaitAsync();
        try
        {
            if (_journalUsers == 0 || --_journalUsers > 0) return;
            var journal = _journal!;
            _journal = null;
            await journal.DisposeAsync();
        }
        finally
        {
            _journalGate.Release();
        }
    }

    /// <summary>The folder of this process's journal segments, when a journal is open.</summary>
    public string? JournalFolder => _journal?.Folder;

    /// <summary>Moves every journaled record into the catalog now (no-op without a journal).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _journal?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    public async Task AppendAsync(AccessRecord a, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        await InsertAsync(conn, null, a with { Id = a.Id ?? NewId() }, cancellationToken);
    }

    /// <summary>
    /// Writes the record (error code <see cref="Incomplete"/>, no rows yet) and returns its id once it
    /// is durable: in the journal when one is open, else committed in the catalog.
    /// </summary>
    public async Task<string> ReserveAsync(AccessRecord a, CancellationToken cancellationToken)
    {
        var id = NewId();
        var reserved = a with { Id = id, ErrorCode = Incomplete, RowsReturned = 0 };
        if (_journal is { } journal)
        {
            await journal.ReserveAsync(reserved);
            return id;
        }
        await using var conn = await db.OpenAsync(cancellationToken);
        await InsertAsync(conn, null, reserved, cancellationToken);
        return id;
    }

    /// <summary>Completes a reserved record with the final outcome.</summary>
    public async Task CompleteAsync(string id, int status, long rowsReturned, string? errorCode, long durationMs, CancellationToken cancellationToken)
    {
        if (_journal is { } journal)
        {
            await journal.CompleteAsync(id, status, rowsReturned, errorCode, durationMs);
            return;
        }
        await using var conn = await db.OpenAsync(cancellationToken);
        await CompleteAsync(conn, null, id, status, rowsReturned, errorCode, durationMs, cancellationToken);
    }

    private static Task CompleteAsync(DbConnection conn, DbTransaction? tx, string id, int status, long rowsReturned, string? errorCode, long durationMs, CancellationToken cancellationToken) =>
        ExecAsync(conn, tx, "UPDATE access_log SET status = @s, rows_returned = @rows, error_code = @err, duration_ms = @ms WHERE id = @id",
            [("id", id), ("s", status), ("rows", rowsReturned), ("err", errorCode), ("ms", durationMs)], cancellationToken);

    /// <summary>
    /// Moves journal entries into the catalog in one transaction: a completion of a reservation in the
    /// same batch is folded into its row; a reservation already in the catalog (a replay after a crash
    /// between commit and delete) is skipped; other completions update their row.
    /// </summary>
    private async Task MoveAsync(IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var reservations = new Dictionary<string, AccessRecord>(StringComparer.Ordinal);
        var order = new List<string>();
        var completions = new List<JournalCompletion>();
        var folded = new List<JournalCompletion>();
        foreach (var entry in entries)
        {
            switch (entry)
            {
                case JournalReservation r when reservations.TryAdd(r.Id, r.Record):
                    order.Add(r.Id);
                    break;
                case JournalCompletion c when reservations.TryGetValue(c.Id, out var a):
                    reservations[c.Id] = a with { Status = c.Status, RowsReturned = c.RowsReturned, ErrorCode = c.ErrorCode, DurationMs = c.DurationMs };
                    folded.Add(c);
                    break;
                case JournalCompletion c:
                    completions.Add(c);
                    break;
            }
        }
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in order.Chunk(500))
        {
            var names = chunk.Select((_, i) => "@i" + i.ToString(CultureInfo.InvariantCulture));
            var found = await QueryAsync(conn, tx, $"SELECT id FROM access_log WHERE id IN ({string.Join(", ", names)})",
                chunk.Select((id, i) => ("i" + i.ToString(CultureInfo.InvariantCulture), (object?)id)), r => r.GetString(0), cancellationToken);
            present.UnionWith(found);
        }
        foreach (var id in order)
        {
            if (!present.Contains(id)) await InsertAsync(conn, tx, reservations[id], cancellationToken);
        }
        // A replayed reservation already in the catalog may be there incomplete: its completion still applies.
        completions.AddRange(folded.Where(c => present.Contains(c.Id)));
        foreach (var c in completions) await CompleteAsync(conn, tx, c.Id, c.Status, c.RowsReturned, c.ErrorCode, c.DurationMs, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private static Task InsertAsync(DbConnection conn, DbTransaction? tx, AccessRecord a, CancellationToken cancellationToken) =>
        ExecAsync(conn, tx, """
            INSERT INTO access_log (id, at, principal, dataset, version, method, path, status, rows_returned, error_code, client, duration_ms, client_address)
            VALUES (@id, @at, @p, @d, @v, @m, @path, @s, @rows, @err, @client, @ms, @addr)
            """,
            [("id", a.Id), ("at", Timestamp(a.At)), ("p", Cap(a.Principal, 200)), ("d", a.Dataset), ("v", a.Version), ("m", a.Method),
             ("path", Cap(a.Path, 4000)), ("s", a.Status), ("rows", a.RowsReturned), ("err", a.ErrorCode), ("client", Cap(a.Client, 200)),
             ("ms", a.DurationMs), ("addr", Cap(a.ClientAddress, 64))], cancellationToken);

    public Task<IReadOnlyList<AccessRecord>> RecentAsync(int limit, CancellationToken cancellationToken) =>
        SearchAsync(new AccessQuery(Limit: limit), cancellationToken);

    /// <summary>Records matching <paramref name="q"/>, newest first.</summary>
    public async Task<IReadOnlyList<AccessRecord>> SearchAsync(AccessQuery q, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var (sql, args) = Query(q, paged: true);
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, sql, args, Map, cancellationToken);
    }

    /// <summary>Writes every record matching <paramref name="q"/> (limit and offset ignored) as CSV (UTF-8 with BOM for Excel), streaming.</summary>
    public async Task WriteCsvAsync(AccessQuery q, Stream output, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var (sql, args) = Query(q, paged: false);
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(true), 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync("时间,账号,数据集,版本,方法,请求,状态,返回行数,错误代码,耗时毫秒,客户端地址,客户端".AsMemory(), cancellationToken);
        await using var conn = await db.OpenAsync(cancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var a = Map(reader);
            await writer.WriteLineAsync(string.Join(",",
                Csv(a.At.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)), Csv(a.Principal), Csv(a.Dataset),
                Csv(a.Version?.ToString(CultureInfo.InvariantCulture)), Csv(a.Method), Csv(a.Path), Csv(a.Status.ToString(CultureInfo.InvariantCulture)),
                Csv(a.RowsReturned.ToString(CultureInfo.InvariantCulture)), Csv(a.ErrorCode), Csv(a.DurationMs?.ToString(CultureInfo.InvariantCulture)),
                Csv(a.ClientAddress), Csv(a.Client)).AsMemory(), cancellationToken);
        }
        await writer.FlushAsync(cancellationToken);
    }

    private static (string Sql, List<(string, object?)> Args) Query(AccessQuery q, bool paged)
    {
        var where = new List<string>();
        var args = new List<(string, object?)>();
        if (q.Principal is { Length: > 0 }) { where.Add("principal = @p"); args.Add(("p", q.Principal)); }
        if (q.Dataset is { Length: > 0 }) { where.Add("dataset = @d"); args.Add(("d", q.Dataset)); }
        if (q.Status is { } s) { where.Add("status = @s"); args.Add(("s", s)); }
        if (q.From is { } from) { where.Add("at >= @from"); args.Add(("from", Timestamp(from))); }
        if (q.To is { } to) { where.Add("at < @to"); args.Add(("to", Timestamp(to))); }
        var sql = $"SELECT {Columns} FROM access_log" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY at DESC";
        if (paged)
        {
            sql += " LIMIT @limit OFFSET @offset";
            args.Add(("limit", Math.Clamp(q.Limit, 1, 10_000)));
            args.Add(("offset", Math.Max(0, q.Offset)));
        }
        return (sql, args);
    }

    private const string Columns = "at, principal, dataset, version, method, path, status, rows_returned, error_code, client, duration_ms, client_address, id";

    private static AccessRecord Map(DbDataReader r) => new(ParseTimestamp(r.GetString(0)), r.GetString(1), NullableString(r, 2),
        NullableLong(r, 3), r.GetString(4), r.GetString(5), Convert.ToInt32(r.GetValue(6), CultureInfo.InvariantCulture),
        Convert.ToInt64(r.GetValue(7), CultureInfo.InvariantCulture), NullableString(r, 8), NullableString(r, 9),
        r.IsDBNull(10) ? null : Convert.ToInt64(r.GetValue(10), CultureInfo.InvariantCulture), NullableString(r, 11), NullableString(r, 12));

    // A cell starting with = + - @ would be a formula in Excel: prefix it with a quote.
    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    // NUL is not valid in PostgreSQL text: a journaled record holding one would block the move for good.
    private static string? Cap(string? s, int max) =>
        (s is { Length: var n } && n > max ? s[..max] : s)?.Replace('\0', '\uFFFD');

    private static string NewId() => Guid.NewGuid().ToString("N");
}
