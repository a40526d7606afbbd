using System.Text;
using DataHub.Catalog.Audit;
using Xunit;

namespace DataHub.Catalog.Tests.Audit;

public abstract class AccessLogTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;
    private DataHubCatalog _catalog = null!;

    protected AccessLogTests(CatalogFixture fx) => _fx = fx;

    public async Task InitializeAsync() => _catalog = await _fx.OpenAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private AccessRecord Record(string principal, int status, string path = "/odata/Population?$top=5") =>
        new(_fx.Time.GetUtcNow(), principal, "population", 1, "GET", path, status, 0, null, "Microsoft.Data.Mashup", null, "127.0.0.1");

    [Fact]
    public async Task Reservation_IsDurableAndIncomplete_UntilCompleted()
    {
        var id = await _catalog.Access.ReserveAsync(Record("maqun", 200), default);
        var reserved = Assert.Single(await _catalog.Access.RecentAsync(10, default));
        Assert.Equal((AccessLog.Incomplete, 0L, id), (reserved.ErrorCode, reserved.RowsReturned, reserved.Id));

        await _catalog.Access.CompleteAsync(id, 200, 5, null, 12, default);
        var done = Assert.Single(await _catalog.Access.RecentAsync(10, default));
        Assert.Equal((200, 5L, (string?)null, 12L), (done.Status, done.RowsReturned, done.ErrorCode, done.DurationMs!.Value));
    }

    [Fact]
    public async Task Search_FiltersByPrincipalDatasetStatusAndTime_AndCsvExportsThem()
    {
        await _catalog.Access.AppendAsync(Record("maqun", 200), default);
        _fx.Time.Advance(TimeSpan.FromMinutes(5));
        var middle = _fx.Time.GetUtcNow();
        await _catalog.Access.AppendAsync(Record("qingma", 404), default);
        _fx.Time.Advance(TimeSpan.FromMinutes(5));
        await _catalog.Access.AppendAsync(Record("maqun", 403, "/odata/Population?$filter==cmd|' /C calc'!A0"), default);

        Assert.Equal(2, (await _catalog.Access.SearchAsync(new AccessQuery(Principal: "maqun"), default)).Count);
        Assert.Equal("qingma", Assert.Single(await _catalog.Access.SearchAsync(new AccessQuery(Status: 404), default)).Principal);
        Assert.Equal(2, (await _catalog.Access.SearchAsync(new AccessQuery(From: middle), default)).Count);
        Assert.Single(await _catalog.Access.SearchAsync(new AccessQuery(From: middle, To: middle.AddMinutes(1)), default));
        Assert.Empty(await _catalog.Access.SearchAsync(new AccessQuery(Dataset: "housing"), default));

        using var csv = new MemoryStream();
        await _catalog.Access.WriteCsvAsync(new AccessQuery(Principal: "maqun"), csv, default);
        var text = Encoding.UTF8.GetString(csv.ToArray());
        Assert.StartsWith("\uFEFF时间,账号,数据集", text, StringComparison.Ordinal);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length == 1 ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries) : text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains(",403,", lines[1], StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedLogins_OneRowPerUserAddressAndMinute()
    {
        for (var i = 0; i < 50; i++) await _catalog.FailedLogins.RecordAsync("maqun", "10.0.0.1", default);
        await _catalog.FailedLogins.RecordAsync("maqun", "10.0.0.2", default);
        _fx.Time.Advance(TimeSpan.FromMinutes(1));
        await _catalog.FailedLogins.RecordAsync("maqun", "10.0.0.1", default);
        await _catalog.FailedLogins.RecordAsync(new string('x', 500), "10.0.0.1", default);

        var rows = await _catalog.FailedLogins.SearchAsync(null, "maqun", 100, default);
        Assert.Equal([1L, 50L, 1L], rows.Select(r => r.Attempts).ToArray());
        Assert.Equal(64, (await _catalog.FailedLogins.SearchAsync(null, null, 100, default)).Max(r => r.UserName.Length));
    }
}

public sealed class SqliteAccessLogTests() : AccessLogTests(new SqliteCatalogFixture());

public sealed class PostgresAccessLogTests() : AccessLogTests(new PostgresCatalogFixture());
