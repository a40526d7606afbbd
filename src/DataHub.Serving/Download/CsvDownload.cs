using System.Globalization;
using System.Text;
using CsvHelper;
using DataHub.Serving.Engine;
using DataHub.Serving.Feed;
using DataHub.Serving.Query;
using DuckDB.NET.Data;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Download;

/// <summary>
/// CSV written with CsvHelper (RFC 4180, CRLF), UTF-8 with a byte order mark so Excel detects it, or
/// GBK on request. Values as the feed writes them: dates yyyy-MM-dd, instants ISO 8601 in UTC with
/// 'Z', numbers invariant; text that Excel would run as a formula (= + - @ first) is escaped with '.
/// CsvHelper writes synchronously, so it fills a small in-memory chunk that is copied to the response
/// asynchronously whenever it passes 64 KiB: memory stays bounded whatever the row count.
/// </summary>
internal sealed class CsvDownload : FeedBody
{
    private const int ChunkBytes = 64 * 1024;
    private readonly Reading reading;
    private readonly IReadOnlyList<(string Header, EdmPrimitiveTypeKind Kind)> columns;
    private readonly bool gbk;

    private CsvDownload(Reading reading, IReadOnlyList<(string Header, EdmPrimitiveTypeKind Kind)> columns, bool gbk)
    {
        this.reading = reading;
        this.columns = columns;
        this.gbk = gbk;
    }

    public static CsvDownload Start(DuckDbEngine engine, SqlStatement statement, IReadOnlyList<(string Header, EdmPrimitiveTypeKind Kind)> columns, bool gbk, CancellationToken cancellationToken) =>
        new(Reading.Start(engine, statement, cancellationToken), columns, gbk);

    public override async Task<long> WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var chunk = new MemoryStream(ChunkBytes * 2);
        var options = new CsvWriterOptions
        {
            WriteByteOrderMark = !gbk,
            Injection = CsvInjection.Escape,
            TrueValue = "true",
            FalseValue = "false",
            FormatProvider = CultureInfo.InvariantCulture,
        };
        var textWriter = gbk ? new StreamWriter(chunk, Gbk(), ChunkBytes, leaveOpen: true) : null;
        await using var csv = textWriter is null ? CsvWriter.Create(chunk, options, leaveOpen: true) : CsvWriter.Create(textWriter, options, leaveOpen: false);
        csv.WriteHeader(columns.Select(c => c.Header).ToArray());
        var readers = columns.Select(c => ColumnReaders.For(c.Kind)).ToArray();
        var reader = reading.Reader;
        long rows = 0;
        using (cancellationToken.Register(static c => ((DuckDBCommand)c!).Cancel(), reading.Command))
        {
            while (reader.Read())
            {
                for (var i = 0; i < readers.Length; i++) Write(csv, readers[i](reader, i));
                csv.EndRecord();
                rows++;
                if (chunk.Length >= ChunkBytes || (rows & 1023) == 0)
                {
                    csv.Flush();
                    await Drain(chunk, stream, cancellationToken);
                }
            }
        }
        csv.Flush();
        await Drain(chunk, stream, cancellationToken);
        return rows;
    }

    public override ValueTask DisposeAsync() => reading.DisposeAsync();

    /// <summary>GBK (code page 936) from the code-pages provider .NET ships but does not register by default.</summary>
    public static Encoding Gbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936);
    }

    private static async Task Drain(MemoryStream chunk, Stream stream, CancellationToken cancellationToken)
    {
        if (chunk.Length == 0) return;
        await stream.WriteAsync(chunk.GetBuffer().AsMemory(0, (int)chunk.Length), cancellationToken);
        chunk.SetLength(0);
    }

    private static void Write(CsvWriter csv, object? value)
    {
        switch (value)
        {
            case null: csv.WriteField(""); break;
            case string s: csv.WriteField(s); break;
            // Typed overloads: numbers and dates are not text, so the formula escaping never touches them (-5 stays -5).
            case bool b: csv.WriteField(b); break;
            case int i: csv.WriteField(i, default); break;
            case long l: csv.WriteField(l, default); break;
            case decimal m: csv.WriteField(m, default); break;
            case double d: csv.WriteField(d, default); break;
            case DateOnly d: csv.WriteField(d, "yyyy-MM-dd"); break;
            case DateTimeOffset t: csv.WriteField(t.UtcDateTime, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"); break;
            default: throw new InvalidOperationException($"No CSV form for {value.GetType().Name}.");
        }
    }
}
