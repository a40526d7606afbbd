using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using DataHub.Core.Files;

namespace DataHub.Catalog.Audit;

/// <summary>One line of the access journal: a reservation (the whole record) or the completion of one.</summary>
internal abstract record JournalEntry(string Id);

internal sealed record JournalReservation(AccessRecord Record) : JournalEntry(Record.Id!);

internal sealed record JournalCompletion(string Id, int Status, long RowsReturned, string? ErrorCode, long DurationMs) : JournalEntry(Id);

/// <summary>
/// The local, append-only journal that takes the feed audit off the request path without losing a
/// record. A reservation is one JSON line appended to the current segment file with one
/// <c>write()</c> of the lines queued at that moment (group commit: while one request writes, the
/// others queue and the next writer takes them all) before any data is sent, so a process that
/// crashes after answering has the record on disk. A background mover rotates the segment, copies
/// the closed segments into the catalog (one transaction per segment; inserting a record whose id
/// is already there is skipped, so a replay after a crash between commit and delete duplicates
/// nothing) and deletes them. A journal left by a crashed process is moved before the new one
/// accepts records. A segment that cannot be created or written fails the reservation: the caller
/// answers 503 with no data.
/// </summary>
/// <remarks>
/// Each process owns one journal folder (<c>journal-N</c> under the audit folder) through an
/// exclusive lock file, so two processes on one data folder never move each other's live segments;
/// a folder whose lock is free belongs to a process that has ended and is replayed by the next.
/// No <c>fsync</c> per record: the journal survives a crash of the process (the lines are in the
/// operating system's cache once <c>write()</c> returns) but a power loss may lose the last
/// fraction of a second, as would any write-back cache.
/// </remarks>
internal sealed class AccessJournal : IAsyncDisposable
{
    private const string SegmentPrefix = "access-";
    private const string SegmentSuffix = ".journal";
    private const string LockName = "journal.lock";

    private readonly string _folder;
    private readonly FileStream _lock;
    private readonly Func<IReadOnlyList<JournalEntry>, CancellationToken, Task> _move;
    private readonly Action<Exception> _moveFailed;
    private readonly TimeSpan _coalesce;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _moveGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private FileStream? _segment;
    private long _segmentNumber;
    private Task _mover = Task.CompletedTask;

    private sealed class Pending(byte[] line)
    {
        public byte[] Line { get; } = line;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private AccessJournal(string folder, FileStream lockFile, Func<IReadOnlyList<JournalEntry>, CancellationToken, Task> move, Action<Exception> moveFailed, TimeSpan coalesce)
    {
        _folder = folder;
        _lock = lockFile;
        _move = move;
        _moveFailed = moveFailed;
        _coalesce = coalesce;
        _segmentNumber = Segments(folder).Select(s => s.Number).DefaultIfEmpty(0).Max();
    }

    /// <summary>The folder of this process's segments.</summary>
    public string Folder => _folder;

    /// <summary>
    /// Takes a journal folder under <paramref name="root"/>, moves whatever ended processes left in
    /// any free journal folder into the catalog, then starts moving in the background.
    /// </summary>
    public static async Task<AccessJournal> OpenAsync(string root, Func<IReadOnlyList<JournalEntry>, CancellationToken, Task> move,
        Action<Exception> moveFailed, TimeSpan coalesce, CancellationToken cancellationToken)
    {
        OwnerOnly.CreateDirectory(root);
        // Leftovers of ended processes: every journal folder whose lock is free.
        foreach (var folder in Directory.GetDirectories(root, "journal-*").Order(StringComparer.Ordinal))
        {
            if (FolderLock.TryTake(folder, LockName) is not { } free) continue;
            await using (free)
            {
                foreach (var (path, _) in Segments(folder)) await MoveSegmentAsync(path, move, cancellationToken);
            }
        }
        for (var n = 1; ; n++)
        {
            var folder = Path.Combine(root, "journal-" + n.ToString(CultureInfo.InvariantCulture));
            OwnerOnly.CreateDirectory(folder);
            if (FolderLock.TryTake(folder, LockName) is not { } mine) continue;
            var journal = new AccessJournal(folder, mine, move, moveFailed, coalesce);
            journal._mover = Task.Run(journal.MoveLoopAsync, CancellationToken.None);
            return journal;
        }
    }

    /// <summary>Appends a reservation; returns once it is written (throws when it could not be).</summary>
    public Task ReserveAsync(AccessRecord record) => AppendAsync(Serialize(record));

    /// <summary>Appends a completion of a reserved record.</summary>
    public Task CompleteAsync(string id, int status, long rowsReturned, string? errorCode, long durationMs) =>
        AppendAsync(Serialize(new JournalCompletion(id, status, rowsReturned, errorCode, durationMs)));

    /// <summary>Writes what is queued and moves every record written so far into the catalog.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            WriteQueued();
        }
        finally
        {
            _writeGate.Release();
        }
        await MoveAsync(cancellationToken);
    }

    private async Task AppendAsync(byte[] line)
    {
        var pending = new Pending(line);
        _queue.Enqueue(pending);
        await _writeGate.WaitAsync();
        try
        {
            // Another writer may have taken this line with its own batch.
            if (!pending.Done.Task.IsCompleted) WriteQueued();
        }
        finally
        {
            _writeGate.Release();
        }
        await pending.Done.Task;
        Wake();
    }

    /// <summary>One write() of every line queued now. Called under the write gate.</summary>
    private void WriteQueued()
    {
        var batch = new List<Pending>();
        var size = 0;
        while (_queue.TryDequeue(out var p))
        {
            batch.Add(p);
            size += p.Line.Length;
        }
        if (batch.Count == 0) return;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var at = 0;
            foreach (var p in batch)
            {
                p.Line.CopyTo(buffer, at);
                at += p.Line.Length;
            }
            _segment ??= CreateSegment();
            _segment.Write(buffer, 0, size);
            foreach (var p in batch) p.Done.TrySetResult();
        }
        catch (Exception e)
        {
            // A short write may have left a torn line: later lines go to a new segment; replay skips the torn one.
            CloseSegment();
            foreach (var p in batch) p.Done.TrySetException(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private FileStream CreateSegment()
    {
        var number = _segmentNumber + 1;
        var options = OwnerOnly.ForNewFile(new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read | FileShare.Delete, BufferSize = 0 });
        var stream = new FileStream(SegmentPath(_folder, number), options);
        _segmentNumber = number;
        return stream;
    }

    private void CloseSegment()
    {
        try
        {
            _segment?.Dispose();
        }
        catch (IOException)
        {
            // Nothing buffered (BufferSize 0): closing cannot lose a line.
        }
        _segment = null;
    }

    private void Wake()
    {
        if (_wake.CurrentCount > 0) return;
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    private async Task MoveLoopAsync()
    {
        var ct = _stop.Token;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(failures > 0 ? TimeSpan.FromSeconds(Math.Min(30, failures)) : TimeSpan.FromSeconds(1), ct);
                // Let a burst of requests gather so one transaction moves them all.
                await Task.Delay(_coalesce, ct);
                await MoveAsync(ct);
                failures = 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The records stay in the journal; the next round retries them.
                failures++;
                _moveFailed(e);
            }
        }
    }

    /// <summary>Closes the current segment and moves every closed one into the catalog, oldest first.</summary>
    private async Task MoveAsync(CancellationToken cancellationToken)
    {
        await _moveGate.WaitAsync(cancellationToken);
        try
        {
            long upTo;
            await _writeGate.WaitAsync(cancellationToken);
            try
            {
                CloseSegment();
                upTo = _segmentNumber;
            }
            finally
            {
                _writeGate.Release();
            }
            foreach (var (path, number) in Segments(_folder))
            {
                if (number > upTo) break;
                await MoveSegmentAsync(path, _move, cancellationToken);
            }
        }
        finally
        {
            _moveGate.Release();
        }
    }

    private static async Task MoveSegmentAsync(string path, Func<IReadOnlyList<JournalEntry>, CancellationToken, Task> move, CancellationToken cancellationToken)
    {
        var entries = Read(path);
        if (entries.Count > 0) await move(entries, cancellationToken);
        File.Delete(path);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // What could not be moved stays in the journal and is replayed at the next start.
            _moveFailed(e);
        }
        await _stop.CancelAsync();
        await _mover;
        await _writeGate.WaitAsync();
        CloseSegment();
        _writeGate.Release();
        await _lock.DisposeAsync();
        _stop.Dispose();
    }

    // ---- files ----

    private static string SegmentPath(string folder, long number) =>
        Path.Combine(folder, SegmentPrefix + number.ToString("D12", CultureInfo.InvariantCulture) + SegmentSuffix);

    private static List<(string Path, long Number)> Segments(string folder)
    {
        var found = new List<(string, long)>();
        foreach (var path in Directory.EnumerateFiles(folder, SegmentPrefix + "*" + SegmentSuffix))
        {
            var name = Path.GetFileName(path);
            var digits = name[SegmentPrefix.Length..^SegmentSuffix.Length];
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) found.Add((path, n));
        }
        found.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return found;
    }

    // ---- lines ----

    private static byte[] Serialize(AccessRecord r) => Line(r, 512, static (w, r) =>
        {
            w.WriteString("t", "r");
            w.WriteString("id", r.Id);
            w.WriteString("at", r.At);
            w.WriteString("p", r.Principal);
            w.WriteString("d", r.Dataset);
            if (r.Version is { } v) w.WriteNumber("v", v);
            w.WriteString("m", r.Method);
            w.WriteString("path", r.Path);
            w.WriteNumber("s", r.Status);
            w.WriteNumber("n", r.RowsReturned);
            w.WriteString("e", r.ErrorCode);
            w.WriteString("c", r.Client);
            if (r.DurationMs is { } ms) w.WriteNumber("ms", ms);
            w.WriteString("a", r.ClientAddress);
        });

    private static byte[] Serialize(JournalCompletion c) => Line(c, 128, static (w, c) =>
        {
            w.WriteString("t", "c");
            w.WriteString("id", c.Id);
            w.WriteNumber("s", c.Status);
            w.WriteNumber("n", c.RowsReturned);
            w.WriteString("e", c.ErrorCode);
            w.WriteNumber("ms", c.DurationMs);
        });

    /// <summary>One JSON object of <paramref name="value"/>'s members as a journal line (newline-terminated UTF-8).</summary>
    private static byte[] Line<T>(T value, int capacity, Action<Utf8JsonWriter, T> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(capacity);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            writeMembers(w, value);
            w.WriteEndObject();
        }
        var line = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(line);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>The entries of a segment; a line that does not parse (torn by a crash mid-write) is skipped.</summary>
    internal static List<JournalEntry> Read(string path)
    {
        var entries = new List<JournalEntry>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var o = doc.RootElement;
                var id = o.GetProperty("id").GetString()!;
                entries.Add(o.GetProperty("t").GetString() == "c"
                    ? new JournalCompletion(id, o.GetProperty("s").GetInt32(), o.GetProperty("n").GetInt64(), Str(o, "e"), o.GetProperty("ms").GetInt64())
                    : new JournalReservation(new AccessRecord(o.GetProperty("at").GetDateTimeOffset(), o.GetProperty("p").GetString()!, Str(o, "d"),
                        o.TryGetProperty("v", out var v) ? v.GetInt64() : null, o.GetProperty("m").GetString()!, o.GetProperty("path").GetString()!,
                        o.GetProperty("s").GetInt32(), o.GetProperty("n").GetInt64(), Str(o, "e"), Str(o, "c"),
                        o.TryGetProperty("ms", out var ms) ? ms.GetInt64() : null, Str(o, "a"), id)));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // A torn last line: its request never got past the failed write, so no data left for it.
            }
        }
        return entries;
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}
