using System.Text;

namespace DataHub.Simulators.Population;

/// <summary>
/// Writes a simulated 公安 实有人口 export: a dirty CSV as a real source system produces it, deterministic for
/// a seed, with a manifest of exactly what it planted. Rows are streamed (memory does not grow with the row
/// count beyond 8 bytes per issued ID number), so millions of rows are fine.
/// </summary>
public sealed class PopulationExportGenerator
{
    /// <summary>
    /// The header exactly as the source system writes it, spaces around 公民身份号码 and full-width
    /// parentheses included: the declared mapping file is written against it.
    /// </summary>
    public const string Header = "序号, 公民身份号码 ,姓名,性别,民族,出生日期,户籍地址,现住址,社区代码,社区名称,人员类型,迁入日期,人员状态,联系电话（手机）,更新时间";

    /// <summary>Columns per row.</summary>
    public const int ColumnCount = 15;

    // Characters buffered before one asynchronous write: bounded memory, few awaits.
    private const int FlushChars = 1 << 16;

    static PopulationExportGenerator() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// The encoding of <paramref name="kind"/>. GB18030 throws on a character it cannot encode instead of
    /// writing '?', so a file that was written is a faithful one.
    /// </summary>
    public static Encoding GetEncoding(PopulationExportEncoding kind) => kind switch
    {
        PopulationExportEncoding.Gb18030 => Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback),
        PopulationExportEncoding.Utf8WithBom => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown encoding."),
    };

    /// <summary>
    /// Writes the export to <see cref="PopulationExportOptions.OutputPath"/> and returns what it holds.
    /// Options are validated first (a config <see cref="Core.Failures.DataHubException"/>). The file appears
    /// only once complete: rows go to <c>OutputPath + ".partial"</c>, which replaces the target at the end and
    /// is deleted on failure or cancellation, so a cancelled run leaves no half-written export behind.
    /// </summary>
    public async Task<PopulationExportManifest> GenerateAsync(PopulationExportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        var encoding = GetEncoding(options.Encoding);
        var target = Path.GetFullPath(options.OutputPath);
        var folder = Path.GetDirectoryName(target);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        var partial = target + ".partial";
        var rows = new PopulationRowFactory(options);
        try
        {
            var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                // The writer emits the encoding's preamble (the UTF-8 BOM; GB18030 has none).
                var writer = new StreamWriter(stream, encoding, bufferSize: 1 << 16);
                await using (writer.ConfigureAwait(false))
                {
                    var buffer = new StringBuilder(FlushChars + 4096);
                    buffer.Append(Header).Append("\r\n");
                    for (var number = 1; number <= options.RowCount; number++)
                    {
                        rows.AppendRow(buffer, number);
                        if (buffer.Length >= FlushChars)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            await writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                            buffer.Clear();
                        }
                    }
                    await writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            // Checkpoint: the complete file is on disk; only now does it take the target's name.
            File.Move(partial, target, overwrite: true);
        }
        catch
        {
            TryDelete(partial);
            throw;
        }
        return rows.BuildManifest(options.RowCount, options.Encoding == PopulationExportEncoding.Gb18030 ? "GB18030" : "UTF-8-BOM");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
