using System.Net;
using DataHub.Core.Access;
using DataHub.Host.Tests.Web;
using Xunit;

namespace DataHub.Host.Tests.Security;

/// <summary>
/// The audit journal on a real full disk: a 1 MB tmpfs mounted over the running host's journal
/// folder and filled. Feed answers are then 503 <c>AUDIT_UNAVAILABLE</c> with no data; once space
/// is freed they are served again and their records reach the catalog. Mounting needs Linux and
/// root (CI runs as root); elsewhere the test fails with the reason rather than passing unseen.
/// </summary>
public sealed class AuditJournalDiskFullTests
{
    [Fact]
    public async Task FullDiskUnderTheJournal_Gives503AndNoData_ThenRecovers()
    {
        Assert.True(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess,
            "需要在 Linux 上以 root 运行（在审计日志目录上挂载一个 1 MB 的 tmpfs 模拟磁盘已满）");
        await using var server = await AuthServer.StartAsync();
        await server.AddAsync("wang", Role.Steward, "320113", "right-password-1");
        using var http = AuthServer.Basic("wang", "right-password-1");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(server.Root)).StatusCode);
        var access = server.Engine.Catalog.Access;
        await access.FlushAsync(default);
        var folder = access.JournalFolder!;
        Tmpfs.Mount(folder, "1m");
        try
        {
            var filler = Path.Combine(folder, "filler");
            await FillAsync(filler);
            for (var i = 0; i < 3; i++)
            {
                using var refused = await http.GetAsync(new Uri(server.Root, "$metadata"));
                var body = await refused.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Contains("AUDIT_UNAVAILABLE", body, StringComparison.Ordinal);
                Assert.DoesNotContain("EntityType", body, StringComparison.Ordinal);
            }

            File.Delete(filler);
            using var served = await http.GetAsync(new Uri(server.Root, "$metadata?after=space-freed"));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            var records = await SettledAudit.RecentAsync(access, 50);
            Assert.Single(records, a => a.Path.Contains("after=space-freed", StringComparison.Ordinal));
            Assert.DoesNotContain(records, a => a.Path.EndsWith("$metadata", StringComparison.Ordinal) && a.Status == 503);
        }
        finally
        {
            await access.FlushAsync(default);
            Tmpfs.Unmount(folder);
        }
    }

    private static async Task FillAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var block = new byte[4096];
        try
        {
            while (true) await stream.WriteAsync(block);
        }
        catch (IOException)
        {
            // Full.
        }
    }
}
