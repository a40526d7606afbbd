using System.Globalization;
using DataHub.Serving.Query;

namespace DataHub.Serving.Engine;

/// <summary>
/// Copies of dataset versions physically sorted in one <c>$orderby</c> (plain columns, the key last),
/// so a page in that order is the next rows of the copy in file order: DuckDB reads a few row groups
/// and stops (the page statement's <c>LIMIT</c> without <c>ORDER BY</c> keeps file order), and a
/// later page skips the row groups before its token by their min/max statistics. Without a copy the
/// same page is a top-N over every row of the scope, and since the rows of a page in birth order lie
/// in every row group of the community-sorted lake, DuckDB decodes every column of every row group
/// (seconds at a million rows).
/// <para>
/// A copy is built in the background on the engine's single sort worker the first time a wide scope
/// asks for its order; until it is ready pages run as before. Building costs about as much CPU as
/// two such top-N queries plus writing the file, once per version and order. At most
/// <see cref="ServingOptions.SortedCopies"/> copies are kept (least recently used deleted); a copy
/// that pages are reading when it is dropped is deleted after the last of them (a lease count).
/// A failed build is not retried for the same version and order (the pages stay correct without it).
/// </para>
/// <para>
/// The lake's own order (scope column, then key: how the pipeline writes a version) needs no copy:
/// its "build" checks once per version that the files really hold their rows in that order, and the
/// lease then names the version's files, so default-order pages (a community's, a street's
/// extraction) are read the same way: the first rows in file order after the token, no top-N over
/// the whole community.
/// </para>
/// </summary>
internal sealed class SortedCopies : IDisposable
{
    private readonly DuckDbEngine engine;
    private readonly int capacity;
    private readonly string directory;
    private FileStream? owner;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> failed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private Task pending = Task.CompletedTask;
    private long clock;
    private bool disposed;

    public SortedCopies(DuckDbEngine engine, ServingOptions options)
    {
        this.engine = engine;
        capacity = options.SortedCopies;
        MinRows = options.SortedCopyMinRows;
        directory = options.SortedCopyDirectory is { } configured
            ? Path.Combine(configured, "sorted-" + Guid.NewGuid().ToString("N"))
            : Path.Combine(Path.GetTempPath(), "datahub-sorted-" + Guid.NewGuid().ToString("N"));
        if (options.SortedCopyDirectory is { } parent) RemoveLeftovers(parent);
    }

    private const string OwnerLock = "owner.lock";

    /// <summary>
    /// The copies hold whole unmasked rows: the folder is the service account's only (0700), and it
    /// is locked by this process so that another one starting on the same data folder can tell a
    /// live node's copies from those a killed process left behind.
    /// </summary>
    private void CreateFolder()
    {
        if (owner is not null) return;
        Core.Files.OwnerOnly.CreateDirectory(directory);
        owner = Core.Files.FolderLock.TryTake(directory, OwnerLock) ?? throw new IOException($"The sorted-copy folder {directory} is locked by another process.");
    }

    /// <summary>Deletes the copy folders under <paramref name="parent"/> whose owner has ended (its lock is free).</summary>
    private static void RemoveLeftovers(string parent)
    {
        if (!Directory.Exists(parent)) return;
        foreach (var folder in Directory.GetDirectories(parent, "sorted-*"))
        {
            try
            {
                using (var ended = Core.Files.FolderLock.TryTake(folder, OwnerLock))
                {
                    if (ended is null) continue; // a live process holds it
                }
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still in use or not ours to delete: left for the next start.
            }
        }
    }

    /// <summary>The folder the copies are written to (deleted when the engine stops).</summary>
    public string Folder => directory;

    /// <summary>Versions with fewer rows get no copy.</summary>
    public long MinRows { get; }

    public bool Enabled => capacity > 0;

    /// <summary>Pages answered from a copy (for tests and diagnostics).</summary>
    public long Hits => Interlocked.Read(ref hits);

    private long hits;

    /// <summary>Pages that read scope slices instead of the lake's files (for tests and diagnostics).</summary>
    public long SliceHits => Interlocked.Read(ref sliceHits);

    private long sliceHits;

    internal void CountSliceHit() => Interlocked.Increment(ref sliceHits);

    /// <summary>Copies built so far.</summary>
    public long Built => Interlocked.Read(ref built);

    private long built;

    /// <summary>
    /// A lease on the ready copy of <paramref name="dataset"/> sorted by <paramref name="orderBy"/>
    /// (the ORDER BY list over raw columns), or null when there is none yet; then its build is queued
    /// unless it is already under way or failed before. Dispose the lease when the statement has run.
    /// </summary>
    /// <param name="lakeOrder">
    /// The order is the lake's own (scope column, key): nothing is copied; the "build" checks once
    /// that the version's files hold their rows in that order, and the lease then names the files themselves.
    /// </param>
    public Lease? Acquire(ServedDataset dataset, string orderBy, LakeOrder? lakeOrder = null)
    {
        var key = Key(dataset, orderBy);
        lock (gate)
        {
            if (disposed || capacity == 0) return null;
            if (entries.TryGetValue(key, out var entry))
            {
                if (!entry.Ready) return null;
                entry.LastUsed = ++clock;
                entry.Leases++;
                Interlocked.Increment(ref hits);
                return new Lease(this, entry);
            }
            if (failed.Contains(key)) return null;
            Entry building;
            Func<QuerySession, CancellationToken, bool> work;
            if (lakeOrder is not null)
            {
                DropOldestLakeOrders();
                CreateFolder();
                building = new Entry(key, dataset.ParquetFiles, copy: null);
                var sliceFolder = Path.Combine(directory, "slices-" + Guid.NewGuid().ToString("N"));
                var checking = building;
                work = (session, ct) =>
                {
                    if (!InLakeOrder(session, dataset, lakeOrder, ct)) return false;
                    checking.Slices = Slice(session, dataset, lakeOrder, sliceFolder, ct);
                    return true;
                };
            }
            else
            {
                MakeRoom();
                CreateFolder();
                var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".parquet");
                building = new Entry(key, [path], copy: path);
                work = (session, ct) => Build(session, dataset, orderBy, path, ct);
            }
            building.LastUsed = ++clock;
            entries[key] = building;
            Task<bool> build;
            try
            {
                build = engine.RunSortAsync(work, stopping.Token);
            }
            catch (EngineBusyException)
            {
                entries.Remove(key);
                return null;
            }
            catch (ObjectDisposedException)
            {
                entries.Remove(key);
                return null;
            }
            pending = Task.WhenAll(pending, build.ContinueWith(t => Finished(building, t), TaskScheduler.Default));
        }
        return null;
    }

    /// <summary>Completes when every build queued so far has finished (tests).</summary>
    public Task WhenIdle()
    {
        lock (gate) return pending;
    }

    /// <summary>The lake's order of a version: its scope column, then its key.</summary>
    public sealed record LakeOrder(string ScopeColumn, string KeyColumn);

    private static bool Build(QuerySession session, ServedDataset dataset, string orderBy, string path, CancellationToken cancellationToken)
    {
        var statement = new SqlStatement();
        statement.Append("COPY (SELECT * FROM read_parquet([")
            .Append(string.Join(", ", dataset.ParquetFiles.Select(SqlStatement.Literal)))
            .Append("]) ORDER BY ").Append(orderBy)
            // The lake's own row groups (4,096 rows: two DuckDB vectors) so a page decodes little beyond its rows.
            .Append(") TO ").Append(SqlStatement.Literal(path)).Append(" (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)");
        try
        {
            using var command = DuckDbCommands.Create(session.Connection, statement);
            DuckDbCommands.Run(command, c => c.ExecuteNonQuery(), cancellationToken);
            return true;
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// Whether the version's files, read in list order and row order, hold their rows in the lake's
    /// order (scope column ascending, nulls first, then the key): one pass over the two columns, once
    /// per version. The pipeline writes published versions so; anything else keeps the top-N pages.
    /// </summary>
    private static bool InLakeOrder(QuerySession session, ServedDataset dataset, LakeOrder order, CancellationToken cancellationToken)
    {
        var s = SqlStatement.Identifier(order.ScopeColumn);
        var k = SqlStatement.Identifier(order.KeyColumn);
        var files = dataset.ParquetFiles.Select((f, i) => string.Create(CultureInfo.InvariantCulture,
            $"SELECT {i} AS f, file_row_number AS n, {s} AS s, {k} AS k FROM read_parquet({SqlStatement.Literal(f)}, file_row_number=true)"));
        var statement = new SqlStatement();
        // A row is in order when it comes strictly after the previous one (the key is unique and never
        // null, so a null previous key marks the first row); NULL comparisons count as out of order.
        statement.Append("SELECT count(*) FROM (SELECT s, k, lag(s) OVER w AS ps, lag(k) OVER w AS pk FROM (")
            .Append(string.Join(" UNION ALL ", files))
            .Append(") WINDOW w AS (ORDER BY f, n)) WHERE pk IS NOT NULL AND NOT coalesce((ps IS NULL AND (s IS NOT NULL OR k > pk)) OR s > ps OR (s = ps AND k > pk), false)");
        return DuckDbCommands.Scalar(session, statement, cancellationToken) == 0;
    }

    /// <summary>
    /// The version split per scope code (<see cref="ScopeSlices"/>), or null when it has too many codes
    /// or the split fails (the pages then read the lake's files in file order, as before); a cancelled
    /// split (the engine stopping) cancels the whole check.
    /// </summary>
    private static ScopeSlices? Slice(QuerySession session, ServedDataset dataset, LakeOrder order, string folder, CancellationToken cancellationToken)
    {
        try
        {
            var slices = ScopeSlices.Build(session, dataset.ParquetFiles, order.ScopeColumn, order.KeyColumn, folder, cancellationToken);
            if (slices is null) TryDeleteFolder(folder);
            return slices;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            TryDeleteFolder(folder);
            return null;
        }
        catch
        {
            TryDeleteFolder(folder);
            throw;
        }
    }

    private void Finished(Entry entry, Task<bool> build)
    {
        lock (gate)
        {
            var ok = build.IsCompletedSuccessfully && build.Result && !disposed && entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry);
            if (ok)
            {
                entry.Ready = true;
                Interlocked.Increment(ref built);
                if (entry.Slices is not null) DropSlicesBeyondCapacity(entry);
                return;
            }
            if (entries.TryGetValue(entry.Key, out var same) && ReferenceEquals(same, entry))
            {
                entries.Remove(entry.Key);
                // Cancelled by shutdown is no failure of the order; anything else is not retried.
                if (!disposed) failed.Add(entry.Key);
            }
        }
        DeleteFiles(entry);
    }

    /// <summary>
    /// Slices are a full copy of a version on disk, like a sorted copy: at most as many versions keep
    /// them as copies are kept (at least one); the least recently used check beyond that is forgotten
    /// with its slices (checked and sliced again if its version is asked for again).
    /// </summary>
    private void DropSlicesBeyondCapacity(Entry keep)
    {
        while (true)
        {
            var sliced = entries.Values.Where(e => e.Ready && e.Slices is not null).ToList();
            if (sliced.Count <= Math.Max(1, capacity)) return;
            var oldest = sliced.Where(e => !ReferenceEquals(e, keep)).MinBy(e => e.LastUsed)!;
            Discard(oldest);
        }
    }

    /// <summary>Forgets an entry; its files go now, or when its last lease ends.</summary>
    private void Discard(Entry entry)
    {
        entries.Remove(entry.Key);
        entry.Dropped = true;
        if (entry.Leases == 0) DeleteFiles(entry);
    }

    private static void DeleteFiles(Entry entry)
    {
        if (entry.Copy is { } copy) TryDelete(copy);
        if (entry.Slices is { } slices) TryDeleteFolder(slices.Folder);
    }

    /// <summary>Drops the least recently used ready copies until a new one fits (builds under way are never dropped).</summary>
    private void MakeRoom()
    {
        while (true)
        {
            Entry? oldest = null;
            var copies = 0;
            foreach (var e in entries.Values)
            {
                if (e.Copy is null) continue;
                copies++;
                if (e.Ready && (oldest is null || e.LastUsed < oldest.LastUsed)) oldest = e;
            }
            if (copies < capacity || oldest is null) return;
            Discard(oldest);
        }
    }

    /// <summary>Forgets the least recently used checks of the lake order beyond 64 versions (nothing to delete).</summary>
    private void DropOldestLakeOrders()
    {
        var checks = entries.Values.Where(e => e.Copy is null).ToList();
        if (checks.Count < 64) return;
        foreach (var e in checks.Where(e => e.Ready).OrderBy(e => e.LastUsed).Take(checks.Count - 63)) Discard(e);
    }

    private void Release(Entry entry)
    {
        bool delete;
        lock (gate)
        {
            entry.Leases--;
            delete = entry.Dropped && entry.Leases == 0;
        }
        if (delete) DeleteFiles(entry);
    }

    /// <summary>Interrupts the build under way and drops the queued ones (the engine is stopping).</summary>
    public void Stop()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
        }
        stopping.Cancel();
    }

    /// <summary>Deletes every copy. Call after the workers have stopped (no statement reads them any more).</summary>
    public void Dispose()
    {
        Stop();
        lock (gate) entries.Clear();
        stopping.Dispose();
        try
        {
            owner?.Dispose();
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms: it lies in a folder of its own under temp.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still open (Windows): removed with the folder when the engine stops.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open (Windows): removed with the engine's folder when it stops.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Key(ServedDataset dataset, string orderBy) =>
        dataset.Schema.Name + "\n" + dataset.Version.ToString(CultureInfo.InvariantCulture) + "\n" + string.Join("\n", dataset.ParquetFiles) + "\n" + orderBy;

    internal sealed class Entry(string key, IReadOnlyList<string> files, string? copy)
    {
        public string Key { get; } = key;

        /// <summary>The files a page reads: the copy, or the lake's own files when they are in the order already.</summary>
        public IReadOnlyList<string> Files { get; } = files;

        /// <summary>The copy this entry wrote (deleted when dropped), null for the lake's own order.</summary>
        public string? Copy { get; } = copy;

        public bool Ready { get; set; }

        /// <summary>For the lake's own order: the version split per scope code, when it was worth it.</summary>
        public ScopeSlices? Slices { get; set; }

        public bool Dropped { get; set; }

        public int Leases { get; set; }

        public long LastUsed { get; set; }
    }

    /// <summary>A copy in use by one statement: its file is not deleted before the lease is disposed.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly SortedCopies owner;
        private readonly Entry entry;
        private int released;

        internal Lease(SortedCopies owner, Entry entry)
        {
            this.owner = owner;
            this.entry = entry;
        }

        /// <summary>The files that hold the rows in the order asked for.</summary>
        public IReadOnlyList<string> Files => entry.Files;

        /// <summary>The same rows split per scope code (lake order only), or null.</summary>
        public ScopeSlices? Slices => entry.Slices;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) owner.Release(entry);
        }
    }
}
