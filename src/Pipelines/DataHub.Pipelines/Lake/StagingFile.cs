using DataHub.Core.Schema;
using Parquet;
using Parquet.Schema;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// The accepted rows of one connector batch as a scratch Parquet file: every schema field as text
/// (the canonical text <see cref="Normalization.RecordNormalizer"/> produced; DuckDB types it once,
/// in the published copy), then <c>_line</c>. Worker tasks write one file per batch while the reader
/// parses the next, and DuckDB queries the files in place (<see cref="RunStage"/>): columnar, so the
/// de-duplication reads only the key columns, and there is no text to re-parse. Written with
/// Parquet.Net, Snappy at its fastest level and without dictionaries: measured on 500,000 rows of 36
/// text columns, Snappy cost no more CPU than no compression (1.3 s, against 0.9 s for formatting
/// the same rows as CSV, which DuckDB then needed 8 CPU s per million rows to parse) and wrote a
/// quarter of the bytes; dictionaries cost CPU for files that live for one run.
/// </summary>
internal static class StagingFile
{
    /// <summary>The name of the scratch folder in a run's folder (starts with ".staging-": backup leaves it out).</summary>
    public const string FolderName = ".staging-accepted";

    public const string LineColumn = "_line";

    private static readonly ParquetOptions Options = new()
    {
        CompressionMethod = CompressionMethod.Snappy,
        CompressionLevel = System.IO.Compression.CompressionLevel.Fastest,
        DictionaryEncodingThreshold = 0,
    };

    /// <summary>The file of batch <paramref name="sequence"/>: names sort in read order.</summary>
    public static string PathFor(string folder, long sequence) =>
        Path.Combine(folder, "batch-" + sequence.ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + ".parquet");

    /// <summary>The glob DuckDB reads the files with.</summary>
    public static string Glob(string folder) => Path.Combine(folder, "batch-*.parquet");

    public static ParquetSchema SchemaOf(DatasetSchema schema) =>
        new(schema.Fields.Select(f => (Field)new DataField<string>(f.Name, true)).Append(new DataField<long>(LineColumn)).ToArray());

    /// <summary>Writes one batch's accepted rows (the first <paramref name="count"/> of each column). Owner-only from the start.</summary>
    /// <remarks>
    /// The file is built in a memory buffer the worker thread keeps from batch to batch, then written
    /// in one call. Written straight to a FileStream, every one of Parquet.Net's asynchronous writes
    /// went through the thread pool and back (about a hundred hops per batch, each waking an idle
    /// worker that spins before it sleeps), and a new buffer for each batch's file landed in the
    /// large-object heap, which only a full collection frees.
    /// </remarks>
    public static async Task WriteAsync(string path, ParquetSchema schema, string?[][] columns, long[] lines, int count, CancellationToken cancellationToken)
    {
        var buffer = t_buffer ??= new MemoryStream(1 << 20);
        buffer.SetLength(0);
        // MemoryStream completes every write synchronously: the awaits below do not leave this thread.
        await using (var writer = await ParquetWriter.CreateAsync(schema, buffer, Options, cancellationToken: cancellationToken))
        {
            using var group = writer.CreateRowGroup();
            var fields = schema.GetDataFields();
            for (var i = 0; i < columns.Length; i++) await group.WriteAsync(fields[i], new ArraySegment<string?>(columns[i], 0, count)!);
            await group.WriteAsync(fields[^1], new ReadOnlyMemory<long>(lines, 0, count), cancellationToken: cancellationToken);
        }
        var options = Core.Files.OwnerOnly.ForNewFile(new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 });
        using var file = new FileStream(path, options);
        file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        // A buffer that once held an unusually large batch is not kept for every later one.
        if (buffer.Capacity > MaxKeptBuffer) t_buffer = null;
    }

    private const int MaxKeptBuffer = 16 << 20;

    [ThreadStatic]
    private static MemoryStream? t_buffer;
}
