using System.Globalization;
using System.Text;
using CsvHelper;
using DataHub.Serving.Engine;
using DataHub.Serving.Query;
using Microsoft.OData.Edm;

namespace DataHub.Serving.Download;

/// <summary>
/// CSV written with CsvHelper (RFC 4180, CRLF), UTF-8 with a byte order mark so Excel detects it, or
/// GBK on request. Values as the feed writes them: dates yyyy-MM-dd, instants ISO 8601 in UTC with
/// 'Z', numbers invariant; text that Excel would run as a formula (= + - @ first) is escaped with '.
/// Written on a download worker (CsvHelper writes synchronously) into a <see cref="DownloadPipe"/>,
/// whose bounded chunks the request sends: memory stays bounded whatever the row count.
/// </summary>
internal static class CsvDownload
{
    public static StreamedDownload.Producer Producer(SqlStatement statement, IReadOnlyList<(string Header, EdmPrimitiveTypeKind Kind)> columns, bool gbk) =>
        (session, pipe, cancellationToken) =>
        {
            using var reading = Reading.Start(session.Connection, statement, cancellationToken);
            var reader = reading.Reader;
            // The first chunk is fetched before the answer starts: a failure there is still an error answer.
            var more = reader.Read();
            pipe.MarkStarted();

            var options = new CsvWriterOptions
            {
                WriteByteOrderMark = !gbk,
                Injection = CsvInjection.Escape,
                TrueValue = "true",
                FalseValue = "false",
                FormatProvider = CultureInfo.InvariantCulture,
            };
            var textWriter = gbk ? new StreamWriter(pipe.Writer, Gbk(), DownloadPipe.ChunkBytes, leaveOpen: true) : null;
            using var csv = textWriter is null ? CsvWriter.Create(pipe.Writer, options, leaveOpen: true) : CsvWriter.Create(textWriter, options, leaveOpen: false);
            csv.WriteHeader(columns.Select(c => c.Header).ToArray());
            var readers = columns.Select(c => ColumnReaders.For(c.Kind)).ToArray();
            long rows = 0;
            while (more)
            {
                for (var i = 0; i < readers.Length; i++) Write(csv, readers[i](reader, i));
                csv.EndRecord();
                rows++;
                if ((rows & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                more = reader.Read();
            }
            csv.Flush();
            textWriter?.Flush();
            return rows;
        };

    /// <summary>GBK (code page 936) from the code-pages provider .NET ships but does not register by default.</summary>
    public static Encoding Gbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936);
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
