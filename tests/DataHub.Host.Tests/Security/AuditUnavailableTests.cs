using System.Net;
using DataHub.Catalog.Audit;
using DataHub.Catalog.Storage;
using Xunit;

namespace DataHub.Host.Tests.Security;

/// <summary>
/// No record, no data: when the audit journal cannot be written, the answer is 503 and carries no
/// rows. The catalog itself is off the request path: when it cannot take the records for a while,
/// answers go on and every record arrives once it recovers. Concurrent requests get one record each.
/// </summary>
public sealed class AuditUnavailableTests(GrantedServer server) : IClassFixture<GrantedServer>
{
    private static readonly string[] Paths = ["Population?$top=50&$select=" + Uri.EscapeDataString("姓名,公民身份号码"), "Population/$count", "$metadata", ""];

    [Fact]
    public async Task AuditJournalThatCannotBeWritten_Gives503AndNoData_ThenRecovers()
    {
        // Linux lets the test delete the folder of a running journal (Windows holds it open): the situation a full or read-only disk makes.
        if (OperatingSystem.IsWindows()) return;
        var access = server.Engine.Catalog.Access;
        await access.FlushAsync(default);
        var folder = access.JournalFolder!;
        Directory.Delete(folder, recursive: true);
        await File.WriteAllTextAsync(folder, "no journal can be created here");
        // A completion of an earlier test's request is written after its answer has left and may have
        // opened a segment just before the delete; that segment, unlinked, would still take lines.
        // Flushing closes it (and fails, the folder being gone); every later segment cannot be created.
        await Assert.ThrowsAnyAsync<Exception>(() => access.FlushAsync(default));
        using var http = server.Http("steward");
        try
        {
            foreach (var path in Paths)
            {
                using var response = await http.GetAsync(server.Url(path));
                var body = await response.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Contains("AUDIT_UNAVAILABLE", body, StringComparison.Ordinal);
                Assert.DoesNotContain("\"value\"", body, StringComparison.Ordinal);
                Assert.DoesNotContain("Population", body, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(folder);
            Directory.CreateDirectory(folder);
        }

        using var ok = await http.GetAsync(server.Url("Population?$top=5&$skip=0"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var record = (await SettledAudit.RecentAsync(access, 50)).First(a => a.Path.Contains("$top=5&$skip=0", StringComparison.Ordinal));
        Assert.Equal((200, 5L), (record.Status, record.RowsReturned));
    }

    [Fact]
    public async Task CatalogThatCannotTakeRecords_DoesNotStopAnswers_AndEveryRecordArrivesWhenItRecovers()
    {
        // A real SQLite write failure on the audit table (what a full disk does to the insert).
        await using (var conn = await server.Engine.Catalog.Database.OpenAsync(default))
        {
            await CatalogDatabase.ExecAsync(conn, null,
                "CREATE TRIGGER audit_full BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;", [], default);
        }
        using var http = server.Http("steward");
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                using var response = await http.GetAsync(server.Url($"Population?$top={i}&$skip=1"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            await Assert.ThrowsAnyAsync<Exception>(() => server.Engine.Catalog.Access.FlushAsync(default));
        }
        finally
        {
            await using var conn = await server.Engine.Catalog.Database.OpenAsync(default);
            await CatalogDatabase.ExecAsync(conn, null, "DROP TRIGGER audit_full;", [], default);
        }
        var records = await SettledAudit.RecentAsync(server.Engine.Catalog.Access, 200);
        for (var i = 1; i <= 3; i++)
        {
            var record = Assert.Single(records, a => a.Path.EndsWith($"$top={i}&$skip=1", StringComparison.Ordinal));
            Assert.Equal((200, (long)i), (record.Status, record.RowsReturned));
        }
    }

    [Fact]
    public async Task ConcurrentRequests_GetExactlyOneRecordEach()
    {
        const int Requests = 40;
        using var http = server.Http("steward");
        await Parallel.ForEachAsync(Enumerable.Range(1, Requests), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var response = await http.GetAsync(server.Url($"Population?$top={i}&$skip=2"), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsByteArrayAsync(ct);
        });
        var records = (await SettledAudit.SearchAsync(server.Engine.Catalog.Access, new AccessQuery(Principal: "steward", Limit: 10_000)))
            .Where(a => a.Path.EndsWith("&$skip=2", StringComparison.Ordinal)).ToList();
        Assert.Equal(Requests, records.Count);
        for (var i = 1; i <= Requests; i++)
        {
            var record = Assert.Single(records, a => a.Path.EndsWith($"$top={i}&$skip=2", StringComparison.Ordinal));
            Assert.Equal((200, (long)i), (record.Status, record.RowsReturned));
        }
    }
}
