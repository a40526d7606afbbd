using DataHub.Catalog.Audit;
using DataHub.TestKit;
using Xunit;

namespace DataHub.Catalog.Tests.Audit;

/// <summary>
/// The access journal on a real catalog (SQLite and PostgreSQL) and real files: a crash leaves
/// journaled records that the next start moves into the catalog exactly once; a journal that
/// cannot be written refuses the reservation; concurrent reservations give one record each.
/// </summary>
public abstract class AccessJournalTests : IAsyncLifetime
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);
    private readonly CatalogFixture _fx;
    private readonly TempDirectory _dir = new("journal");
    private DataHubCatalog _catalog = null!;

    protected AccessJournalTests(CatalogFixture fx) => _fx = fx;

    public async Task InitializeAsync() => _catalog = await _fx.OpenAsync();

    public async Task DisposeAsync()
    {
        await _catalog.Access.CloseJournalAsync();
        await _fx.DisposeAsync();
        _dir.Dispose();
    }

    private AccessRecord Record(string principal, string path) =>
        new(_fx.Time.GetUtcNow(), principal, "population", 1, "GET", path, 200, 0, null, "Microsoft.Data.Mashup", null, "127.0.0.1");

    private static void Fail(Exception e) => throw new Xunit.Sdk.XunitException("move failed: " + e);

    [Fact]
    public async Task RecordsJournaledButNotMoved_AreReplayedOnTheNextStart_ExactlyOnce()
    {
        // A process whose mover never runs: records reach only its journal, as when it crashes.
        var running = Path.Combine(_dir.Path, "node-a");
        await _catalog.Access.OpenJournalAsync(running, Never, Fail, default);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await _catalog.Access.ReserveAsync(Record("maqun", $"/odata/Population?$top={i}"), default));
        await _catalog.Access.CompleteAsync(ids[0], 200, 7, null, 3, default);
        await _catalog.Access.ReserveAsync(Record("qingma", "/odata/Population?$top=99"), default);

        // The "crash": what the process left on disk is its journal folder, with no one holding its lock.
        // Copied to a data folder of its own, plus the torn half-line a crash mid-write can leave.
        var leftover = Path.Combine(_dir.Path, "node-b");
        var dead = Path.Combine(leftover, "journal-1");
        Directory.CreateDirectory(dead);
        foreach (var file in Directory.GetFiles(_catalog.Access.JournalFolder!, "*.journal")) File.Copy(file, Path.Combine(dead, Path.GetFileName(file)));
        Assert.NotEmpty(Directory.GetFiles(dead, "*.journal"));
        await File.AppendAllTextAsync(Directory.GetFiles(dead, "*.journal").Max()!, "{\"t\":\"r\",\"id\":\"torn");

        // The next start, on the same catalog database (another catalog object, as another process has).
        var restarted = await _fx.OpenAsync();
        Assert.Empty(await restarted.Access.RecentAsync(100, default));
        await restarted.Access.OpenJournalAsync(leftover, Never, Fail, default);
        try
        {
            var replayed = await restarted.Access.RecentAsync(100, default);
            Assert.Equal(6, replayed.Count);
            var completed = Assert.Single(replayed, a => a.Id == ids[0]);
            Assert.Equal((200, 7L, (string?)null, 3L), (completed.Status, completed.RowsReturned, completed.ErrorCode, completed.DurationMs!.Value));
            Assert.Equal(5, replayed.Count(a => a.ErrorCode == AccessLog.Incomplete));
            Assert.Empty(Directory.GetFiles(dead, "*.journal"));
        }
        finally
        {
            await restarted.Access.CloseJournalAsync();
        }

        // The original journal now moves the same records: already there, so nothing is doubled.
        await _catalog.Access.FlushAsync(default);
        Assert.Equal(6, (await _catalog.Access.RecentAsync(100, default)).Count);
        Assert.Empty(Directory.GetFiles(_catalog.Access.JournalFolder!, "*.journal"));
    }

    [Fact]
    public async Task AJournalThatCannotBeWritten_RefusesTheReservation()
    {
        var root = Path.Combine(_dir.Path, "audit");
        await _catalog.Access.OpenJournalAsync(root, Never, Fail, default);
        await _catalog.Access.ReserveAsync(Record("maqun", "/odata/Population?$top=1"), default);
        await _catalog.Access.FlushAsync(default);
        var folder = _catalog.Access.JournalFolder!;

        // The folder is gone and a file stands in its place: no segment can be created (as on a full or read-only disk).
        Directory.Delete(folder, recursive: true);
        await File.WriteAllTextAsync(folder, "not a folder");
        await Assert.ThrowsAnyAsync<IOException>(() => _catalog.Access.ReserveAsync(Record("maqun", "/odata/Population?$top=2"), default));

        File.Delete(folder);
        Directory.CreateDirectory(folder);
        await _catalog.Access.ReserveAsync(Record("maqun", "/odata/Population?$top=3"), default);
        var records = await _catalog.Access.RecentAsync(100, default);
        Assert.Equal(["/odata/Population?$top=1", "/odata/Population?$top=3"], records.Select(a => a.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ConcurrentReservations_GiveExactlyOneCompletedRecordEach()
    {
        await _catalog.Access.OpenJournalAsync(Path.Combine(_dir.Path, "audit"), TimeSpan.FromMilliseconds(5), Fail, default);
        const int Requests = 300;
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var id = await _catalog.Access.ReserveAsync(Record("p" + (i % 7), $"/odata/Population?$top={i}"), ct);
            await _catalog.Access.CompleteAsync(id, 200, i, null, 1, ct);
        });
        var records = await _catalog.Access.SearchAsync(new AccessQuery(Limit: 10_000), default);
        Assert.Equal(Requests, records.Count);
        Assert.Equal(Requests, records.Select(a => a.Id).Distinct().Count());
        Assert.All(records, a => Assert.Equal($"/odata/Population?$top={a.RowsReturned}", a.Path));
        Assert.DoesNotContain(records, a => a.ErrorCode == AccessLog.Incomplete);
    }

    [Fact]
    public async Task ARecordPostgreSqlCouldNotStore_AsIs_StillMoves_AndDoesNotBlockTheOthers()
    {
        await _catalog.Access.OpenJournalAsync(Path.Combine(_dir.Path, "audit"), Never, Fail, default);
        await _catalog.Access.ReserveAsync(Record("maqun", "/odata/Population?$filter=x eq 'a\0b'"), default);
        await _catalog.Access.ReserveAsync(Record("maqun", "/odata/Population?$top=1"), default);
        var records = await _catalog.Access.RecentAsync(10, default);
        Assert.Equal(2, records.Count);
        Assert.Contains(records, a => a.Path == "/odata/Population?$filter=x eq 'a\uFFFDb'");
    }

    [Fact]
    public async Task JournalFiles_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        await _catalog.Access.OpenJournalAsync(Path.Combine(_dir.Path, "audit"), Never, Fail, default);
        await _catalog.Access.ReserveAsync(Record("maqun", "/odata/Population?$top=1"), default);
        var segment = Assert.Single(Directory.GetFiles(_catalog.Access.JournalFolder!, "*.journal"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(segment));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_catalog.Access.JournalFolder!));
    }
}

public sealed class SqliteAccessJournalTests() : AccessJournalTests(new SqliteCatalogFixture());

public sealed class PostgresAccessJournalTests() : AccessJournalTests(new PostgresCatalogFixture());
