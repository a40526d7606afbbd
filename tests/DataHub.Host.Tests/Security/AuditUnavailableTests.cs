using System.Net;
using DataHub.Catalog.Storage;
using Xunit;

namespace DataHub.Host.Tests.Security;

/// <summary>No record, no data: when the audit cannot be written, the answer is 503 and carries no rows.</summary>
public sealed class AuditUnavailableTests(GrantedServer server) : IClassFixture<GrantedServer>
{
    [Fact]
    public async Task AuditThatCannotBeWritten_Gives503AndNoData_ThenRecovers()
    {
        // A real SQLite write failure on the audit table (what a full disk does to the insert).
        await using (var conn = await server.Engine.Catalog.Database.OpenAsync(default))
        {
            await CatalogDatabase.ExecAsync(conn, null,
                "CREATE TRIGGER audit_full BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;", [], default);
        }
        using var http = server.Http("steward");
        foreach (var path in new[] { "Population?$top=50&$select=" + Uri.EscapeDataString("姓名,公民身份号码"), "Population/$count", "$metadata", "" })
        {
            using var response = await http.GetAsync(server.Url(path));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("AUDIT_UNAVAILABLE", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"value\"", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Population", body, StringComparison.Ordinal);
        }

        await using (var conn = await server.Engine.Catalog.Database.OpenAsync(default))
        {
            await CatalogDatabase.ExecAsync(conn, null, "DROP TRIGGER audit_full;", [], default);
        }
        using var ok = await http.GetAsync(server.Url("Population?$top=5"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var record = (await server.Engine.Catalog.Access.RecentAsync(5, default)).First(a => a.Path.Contains("$top=5", StringComparison.Ordinal));
        Assert.Equal((200, 5L), (record.Status, record.RowsReturned));
    }
}
