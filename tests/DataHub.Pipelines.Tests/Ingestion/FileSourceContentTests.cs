using Xunit;
using static DataHub.Pipelines.Tests.Ingestion.IngestionRunnerTests;
using static DataHub.Pipelines.Tests.PipelineFixture;

namespace DataHub.Pipelines.Tests.Ingestion;

/// <summary>
/// A CSV source is fingerprinted by the SHA-256 of the bytes the connector parsed, and its raw copy
/// is the file itself with the record ids of the accepted rows (docs/PUBLISHING.md, "Speed of a run").
/// </summary>
public sealed class FileSourceContentTests : IAsyncLifetime
{
    private PipelineFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Run_CsvSource_RawZoneKeepsTheFileByteForByteAndTheRecordIdsOfItsLines()
    {
        var path = _fx.WriteSource(Csv(Row(1, Id("19800101", 1)), Row(2, "12345"), Row(3, Id("19900307", 2), community: "320113002002")));
        var csv = Path.Combine(Path.GetDirectoryName(path)!, "公安_实有人口.csv");

        var report = await _fx.Runner.RunAsync(path, default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal("input.csv", Path.GetFileName(report.RawFile));
        Assert.Equal(await File.ReadAllBytesAsync(csv), await File.ReadAllBytesAsync(report.RawFile!));
        var ids = Query($"SELECT * FROM read_parquet('{Path.Combine(Path.GetDirectoryName(report.RawFile!)!, "record_ids.parquet")}') ORDER BY _position");
        Assert.Equal([2L, 4L], ids.Select(r => Convert.ToInt64(r["_position"], System.Globalization.CultureInfo.InvariantCulture))); // lines of the accepted rows (line 1: header)
        var published = await _fx.ReadCurrentAsync();
        // Any published row leads back to its line in the kept file by the record id.
        Assert.All(published, p => Assert.Contains(ids, r => (string?)r["_record_id"] == (string)p["record_id"]!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(report.RawFile!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Path.GetDirectoryName(report.RawFile!)!, "record_ids.parquet")));
        }
    }

    [Fact]
    public async Task Run_SameFileUnderAChangedMapping_PublishesButTheSameFileAgainDoesNot()
    {
        var path = _fx.WriteSource(Csv(Row(1, Id("19800101", 1)), Row(2, Id("19900307", 2))));
        var first = await _fx.Runner.RunAsync(path, default);
        _fx.Time.Advance(TimeSpan.FromMinutes(5));
        var unchanged = await _fx.Runner.RunAsync(path, default);
        _fx.Time.Advance(TimeSpan.FromMinutes(5));
        // The definition is part of the fingerprint: the same bytes under another mapping are a new input.
        await File.AppendAllTextAsync(path, "\n# 映射调整\n");
        var remapped = await _fx.Runner.RunAsync(path, default);
        _fx.Time.Advance(TimeSpan.FromMinutes(5));
        // Other bytes that parse to the same records (LF instead of CRLF line ends) are new content too.
        var csv = Path.Combine(Path.GetDirectoryName(path)!, "公安_实有人口.csv");
        await File.WriteAllTextAsync(csv, (await File.ReadAllTextAsync(csv)).Replace("\r\n", "\n", StringComparison.Ordinal));
        var edited = await _fx.Runner.RunAsync(path, default);

        Assert.True(first.Succeeded, first.ToText());
        Assert.Equal("unchanged", unchanged.Status);
        Assert.True(remapped.Succeeded, remapped.ToText());
        Assert.Equal(first.Version + 1, remapped.Version);
        Assert.True(edited.Succeeded, edited.ToText());
        Assert.Equal(remapped.Version + 1, edited.Version);
    }
}
