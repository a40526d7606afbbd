using System.Text;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Csv;
using DataHub.TestKit;
using DataHub.TestKit.Connectors;

namespace DataHub.Connectors.Tests.Csv;

/// <summary>Real files in a temp directory per test, and the connector as the host gets it.</summary>
public abstract class CsvTestBase : IDisposable
{
    static CsvTestBase() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private readonly TempDirectory _dir = new("datahub-csv");

    protected static Encoding Utf8NoBom { get; } = new UTF8Encoding(false);

    protected static Encoding Gbk => Encoding.GetEncoding(936);

    protected static Encoding Gb18030 => Encoding.GetEncoding(54936);

    protected ISourceConnector Connector { get; } = CsvConnectorRegistration.Create();

    protected string WorkDir => _dir.Path;

    /// <summary>Writes <paramref name="text"/> to a file in the work directory and returns a config that reads it.</summary>
    protected SourceConfig WriteCsv(string text, Encoding? encoding = null, bool bom = false, string name = "数据.csv",
        params (string Key, string Value)[] options)
    {
        encoding ??= Utf8NoBom;
        byte[] preamble = !bom ? [] : encoding is UTF8Encoding ? [0xEF, 0xBB, 0xBF] : encoding.GetPreamble();
        var bytes = preamble.Concat(encoding.GetBytes(text)).ToArray();
        return WriteBytes(bytes, name, options);
    }

    protected SourceConfig WriteBytes(byte[] bytes, string name = "数据.csv", params (string Key, string Value)[] options)
    {
        File.WriteAllBytes(Path.Combine(WorkDir, name), bytes);
        return Config(name, options);
    }

    protected SourceConfig Config(string path, params (string Key, string Value)[] options)
    {
        var dict = new Dictionary<string, string> { ["path"] = path };
        foreach (var (k, v) in options) dict[k] = v;
        return new SourceConfig("人口", dict, WorkDir);
    }

    protected async Task<List<RecordBatch>> ReadAllAsync(SourceConfig config, CancellationToken cancellationToken = default)
    {
        var batches = new List<RecordBatch>();
        await foreach (var batch in Connector.ReadAsync(config, null, cancellationToken))
            batches.Add(batch);
        return batches;
    }

    protected async Task<List<SourceRecord>> ReadRecordsAsync(SourceConfig config) =>
        (await ReadAllAsync(config)).SelectMany(b => b.Records).ToList();

    protected async Task<ConnectorException> ReadFailsAsync(SourceConfig config) =>
        await Assert.ThrowsAsync<ConnectorException>(() => ReadAllAsync(config));

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) _dir.Dispose();
    }
}
