using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Tests.Csv;

public sealed class CsvConnectorReadTests : CsvTestBase
{
    [Fact]
    public async Task ReadAsync_SevenRecordsBatchSizeThree_YieldsThreeThreeOneWithStateLast()
    {
        var config = WriteCsv(Rows(7), options: ("batch_size", "3"));

        var batches = await ReadAllAsync(config);

        Assert.Equal([3, 3, 1], batches.Select(b => b.Records.Count));
        Assert.Null(batches[0].State);
        Assert.Null(batches[1].State);
        Assert.NotNull(batches[2].State);
        Assert.Equal(Enumerable.Range(2, 7).Select(i => (long)i), batches.SelectMany(b => b.Records).Select(r => r.Position));
    }

    [Fact]
    public async Task ReadAsync_RecordCountMultipleOfBatchSize_LastFullBatchCarriesState()
    {
        var config = WriteCsv(Rows(6), options: ("batch_size", "3"));

        var batches = await ReadAllAsync(config);

        Assert.Equal([3, 3], batches.Select(b => b.Records.Count));
        Assert.NotNull(batches[1].State);
    }

    [Fact]
    public async Task ReadAsync_DefaultBatchSize_IsFiveThousand()
    {
        var config = WriteCsv(Rows(12_001));

        var batches = await ReadAllAsync(config);

        Assert.Equal([5000, 5000, 2001], batches.Select(b => b.Records.Count));
    }

    [Fact]
    public async Task ReadAsync_Finished_StateDescribesTheFileBytes()
    {
        var config = WriteCsv(Rows(3), bom: true);
        var path = Path.Combine(WorkDir, "数据.csv");
        var bytes = await File.ReadAllBytesAsync(path);

        var batches = await ReadAllAsync(config);

        using var state = JsonDocument.Parse(batches[^1].State!.Json);
        var root = state.RootElement;
        Assert.Equal(Path.GetFullPath(path), root.GetProperty("file").GetString());
        Assert.Equal(bytes.Length, root.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), root.GetProperty("sha256").GetString());
        Assert.Equal(File.GetLastWriteTimeUtc(path), root.GetProperty("lastWriteUtc").GetDateTime().ToUniversalTime());
        Assert.Equal("utf-8", root.GetProperty("encoding").GetString());
        Assert.Equal(3, root.GetProperty("records").GetInt64());
        Assert.Contains("数据.csv", batches[^1].State!.Json, StringComparison.Ordinal); // readable, not \u-escaped
    }

    [Fact]
    public async Task ReadAsync_LargeFile_HashCoversEveryByte()
    {
        var config = WriteCsv(Rows(60_000));
        var bytes = await File.ReadAllBytesAsync(Path.Combine(WorkDir, "数据.csv"));

        var batches = await ReadAllAsync(config);

        using var state = JsonDocument.Parse(batches[^1].State!.Json);
        Assert.True(bytes.Length > 2 * (1 << 20));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), state.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(60_000, batches.Sum(b => b.Records.Count));
    }

    [Fact]
    public async Task ReadAsync_CancelledAfterFirstBatch_ThrowsOperationCanceledAndReleasesTheFile()
    {
        var config = WriteCsv(Rows(100), options: ("batch_size", "10"));
        using var cts = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in Connector.ReadAsync(config, null, cts.Token))
            {
                seen += batch.Records.Count;
                await cts.CancelAsync();
            }
        });

        Assert.Equal(10, seen);
        File.Delete(Path.Combine(WorkDir, "数据.csv")); // not held open
    }

    [Fact]
    public async Task ReadAsync_TokenCancelledBeforeStart_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAllAsync(WriteCsv(Rows(1)), cts.Token));
    }

    [Fact]
    public void BuiltIn_Always_IncludesCsvConnector()
    {
        var registry = new ConnectorRegistry(ConnectorCatalog.BuiltIn());

        Assert.Equal("csv", registry.Get("CSV").Spec.Type);
        Assert.Equal(["batch_size", "delimiter", "encoding", "path"], registry.Get("csv").Spec.Options.Select(o => o.Name).Order(StringComparer.Ordinal));
    }

    private static string Rows(int count)
    {
        var sb = new StringBuilder("公民身份号码,姓名,现住址\n");
        for (var i = 0; i < count; i++) sb.Append("320113198001010015,张三").Append(i).Append(",江苏省南京市玄武区\n");
        return sb.ToString();
    }
}
