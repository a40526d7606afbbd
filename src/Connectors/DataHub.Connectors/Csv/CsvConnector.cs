using System.Runtime.CompilerServices;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Csv;

/// <summary>
/// Reads one CSV file (type <c>csv</c>): a header line, then one record per line. Values are the
/// field texts as they stand (no trimming: the pipeline normalises and records what it changed).
/// </summary>
/// <remarks>
/// The file is read from start to end on every run (<see cref="ConnectorSpec.SupportsIncremental"/>
/// is false); the state records the file's length, time and SHA-256 so a run can tell whether the
/// export changed.
/// </remarks>
internal sealed class CsvConnector : ISourceConnector
{
    public const string TypeName = "csv";

    public ConnectorSpec Spec { get; } = new(TypeName, "CSV 文件", CsvOptions.Declared, SupportsIncremental: false, HasCursor: false, ReportsContent: true);

    public Task<CheckResult> CheckAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<CheckResult>(cancellationToken);
        try
        {
            var options = CsvOptions.From(config);
            using var file = CsvFile.Open(options, cancellationToken);
            return Task.FromResult(CheckResult.Ok(
                $"可以读取 CSV 文件“{Path.GetFileName(file.Path)}”：编码 {file.Encoding.DisplayName}，{file.Columns.Count} 列，{FormatSize(file.LengthAtOpen)}"));
        }
        catch (ConnectorException ex)
        {
            return Task.FromResult(CheckResult.Failed(ex.Describe()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<CheckResult>(cancellationToken);
        }
        catch (Exception ex)
        {
            // Anything else is a defect of the connector, not a failed check: surface it as such.
            return Task.FromException<CheckResult>(ex);
        }
    }

    public Task<SourceStream> DiscoverAsync(SourceConfig config, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<SourceStream>(cancellationToken);
        try
        {
            var options = CsvOptions.From(config);
            using var file = CsvFile.Open(options, cancellationToken);
            return Task.FromResult(new SourceStream(Path.GetFileNameWithoutExtension(file.Path), file.Columns));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<SourceStream>(cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<SourceStream>(ex);
        }
    }

    public async IAsyncEnumerable<RecordBatch> ReadAsync(SourceConfig config, ConnectorState? state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The state of the last run is not needed: every run reads the whole file.
        cancellationToken.ThrowIfCancellationRequested();
        var options = CsvOptions.From(config);
        using var file = CsvFile.Open(options, cancellationToken);
        var columns = file.Columns;
        var width = columns.Count;
        var parser = file.Parser;
        var batch = new List<SourceRecord>(options.BatchSize);
        long records = 0;
        var shortestLast = int.MaxValue; // the shortest non-empty last field before the current record
        var lastLength = 0;
        var lastUnterminated = false;
        while (parser.TryReadRecord())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fields = parser.Fields;
            if (fields.Count != width) throw RaggedRow(file.Path, parser.RecordLine, width, fields.Count, options.Delimiter);
            if (records > 0 && lastLength > 0) shortestLast = Math.Min(shortestLast, lastLength);
            lastLength = fields[width - 1].Length;
            lastUnterminated = parser.RecordUnterminated;

            // A full batch goes out only once another record exists, so the last batch (the one
            // with the state) is never an empty one behind a full one.
            if (batch.Count == options.BatchSize)
            {
                yield return new RecordBatch(columns, batch);
                cancellationToken.ThrowIfCancellationRequested();
                batch = new List<SourceRecord>(options.BatchSize);
            }
            var values = new object?[width];
            for (var i = 0; i < width; i++) values[i] = fields[i];
            batch.Add(new SourceRecord(parser.RecordLine, values));
            records++;
        }

        // Checkpoint: the whole file was read and hashed; the state describes exactly these bytes.
        var finalState = file.Complete(records, out var content);
        var warnings = lastUnterminated && records > 1 && shortestLast != int.MaxValue && lastLength < shortestLast
            ? new[] { Truncation(file.Path, batch[^1].Position, columns[width - 1].Name) }
            : null;
        yield return new RecordBatch(columns, batch, finalState, warnings, Content: content);
    }

    /// <summary>
    /// The last record has no line end and its last field is shorter than every earlier value of that
    /// column: the file was most likely cut off inside that field (an interrupted copy), so rows are missing.
    /// </summary>
    private static ConnectorWarning Truncation(string path, long line, string column) =>
        new("CSV_TRUNCATED",
            $"文件可能被截断：最后一条记录（第{line}行）没有换行符，且其最后一列“{column}”比该列其他值都短",
            $"{path} 第{line}行");

    private static ConnectorException RaggedRow(string path, long line, int expected, int actual, char delimiter) =>
        // Only counts and positions: row values are personal data and stay out of messages.
        new(ConnectorFailure.Data, "CSV_RAGGED_ROW",
            $"第{line}行有 {actual} 个字段，而表头有 {expected} 列",
            $"{path} 第{line}行",
            $"检查该行是否多了或少了分隔符（{DelimiterName(delimiter)}）；值中含有分隔符、英文双引号或换行时，整个值须用英文双引号括起来");

    private static string DelimiterName(char delimiter) => delimiter switch
    {
        ',' => "英文逗号 ,",
        '\t' => "制表符",
        _ => delimiter.ToString(),
    };

    private static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} 字节",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
