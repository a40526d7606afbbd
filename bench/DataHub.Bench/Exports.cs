using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Simulators.Population;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Bench;

/// <summary>One data folder (catalog, lake, sources) holding a simulated export and its declared source file.</summary>
internal sealed record PreparedExport(string DataRoot, string SourceFile, string CsvPath, PopulationExportEncoding Encoding)
{
    /// <summary>The export's size, taken when prepared (the work folder is gone when the report is written).</summary>
    public long CsvBytes { get; } = new FileInfo(CsvPath).Length;

    public Task<DataHubEngine> OpenEngineAsync(CancellationToken cancellationToken) =>
        DataHubEngine.OpenAsync(new DataDirectory(DataRoot), TimeProvider.System, NullLoggerFactory.Instance, cancellationToken);
}

/// <summary>The export pair of one size: the demo's GB18030 export and the same bytes transcoded to UTF-8 with BOM.</summary>
internal sealed record ExportPair(int Rows, PopulationExportManifest Manifest, PreparedExport Gb18030, PreparedExport Utf8);

/// <summary>
/// Builds the simulated 公安 export exactly as <c>datahub demo</c> does (<see cref="DemoSetup.PrepareAsync"/>:
/// GB18030, the demo's communities, defects and source file). DuckDB's CSV reader has no GB18030 without
/// the <c>encodings</c> extension, which is not available offline, so the export is also transcoded to
/// UTF-8 with BOM in a second data folder: pipeline and baseline are compared on that file, which holds
/// exactly the same rows.
/// </summary>
internal static class Exports
{
    public static async Task<ExportPair> PrepareAsync(Workspace workspace, int rows, int seed, TextWriter log, CancellationToken cancellationToken)
    {
        var gbRoot = workspace.Folder($"rows-{rows}", "gb18030");
        var gbEngine = await DataHubEngine.OpenAsync(new DataDirectory(gbRoot), TimeProvider.System, NullLoggerFactory.Instance, cancellationToken);
        await log.WriteLineAsync($"[{rows:N0} rows] generating the demo export (GB18030) ...");
        var (gbSource, manifest) = await DemoSetup.PrepareAsync(gbEngine, rows, seed, cancellationToken);
        var gbCsv = Path.Combine(Path.GetDirectoryName(gbSource)!, DemoSetup.ExportFileName);
        var gb = new PreparedExport(gbRoot, gbSource, gbCsv, PopulationExportEncoding.Gb18030);

        var utf8Root = workspace.Folder($"rows-{rows}", "utf8");
        var utf8Data = new DataDirectory(utf8Root);
        // Opening the engine creates the catalog and the record-id key of this data folder.
        await DataHubEngine.OpenAsync(utf8Data, TimeProvider.System, NullLoggerFactory.Instance, cancellationToken);
        var utf8Source = Path.Combine(utf8Data.SourcesDirectory, DemoSetup.SourceFileName);
        File.Copy(gbSource, utf8Source, overwrite: true);
        var utf8Csv = Path.Combine(utf8Data.SourcesDirectory, DemoSetup.ExportFileName);
        await log.WriteLineAsync($"[{rows:N0} rows] transcoding to UTF-8 with BOM for DuckDB ...");
        await TranscodeAsync(gbCsv, utf8Csv, cancellationToken);
        return new ExportPair(rows, manifest, gb, new PreparedExport(utf8Root, utf8Source, utf8Csv, PopulationExportEncoding.Utf8WithBom));
    }

    private static async Task TranscodeAsync(string from, string to, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(from, PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Gb18030), detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        await using var writer = new StreamWriter(to, append: false, PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Utf8WithBom), bufferSize: 1 << 16);
        var buffer = new char[1 << 16];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
    }
}
