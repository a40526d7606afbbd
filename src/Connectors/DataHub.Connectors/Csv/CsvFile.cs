using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Csv;

/// <summary>
/// One open CSV file: the stream, its detected encoding, the parser positioned after the header,
/// and what the file looked like when it was opened (to notice a change during the read).
/// </summary>
internal sealed class CsvFile : IDisposable
{
    private static readonly JsonWriterOptions StateJson = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly FileStream _stream;
    private readonly StrictDecodingReader _reader;
    private readonly long _lengthAtOpen;
    private readonly DateTime _lastWriteUtcAtOpen;

    private CsvFile(string path, FileStream stream, StrictDecodingReader reader, CsvParser parser, IReadOnlyList<SourceColumn> columns,
        long lengthAtOpen, DateTime lastWriteUtcAtOpen)
    {
        Path = path;
        _stream = stream;
        _reader = reader;
        Parser = parser;
        Columns = columns;
        _lengthAtOpen = lengthAtOpen;
        _lastWriteUtcAtOpen = lastWriteUtcAtOpen;
    }

    public string Path { get; }

    public CsvTextEncoding Encoding => _reader.Encoding;

    public long LengthAtOpen => _lengthAtOpen;

    /// <summary>Positioned after the header: the next record is the first data record.</summary>
    public CsvParser Parser { get; }

    public IReadOnlyList<SourceColumn> Columns { get; }

    /// <summary>Opens the file, detects its encoding and reads the header.</summary>
    /// <exception cref="ConnectorException">Missing or unreadable file (Config/Transient), undecodable or empty file, bad header (Data).</exception>
    public static CsvFile Open(CsvOptions options, CancellationToken cancellationToken)
    {
        var path = options.FilePath;
        var stream = OpenStream(path);
        StrictDecodingReader? reader = null;
        try
        {
            var lengthAtOpen = RandomAccess.GetLength(stream.SafeFileHandle);
            var lastWriteUtcAtOpen = File.GetLastWriteTimeUtc(stream.SafeFileHandle);
            var sample = new byte[CsvEncodingDetector.SampleSize];
            var length = CsvEncodingDetector.ReadSample(stream, sample, path);
            var ended = length < sample.Length;
            var encoding = CsvEncodingDetector.Detect(sample.AsSpan(0, length), ended, options.Encoding, path);
            reader = new StrictDecodingReader(stream, encoding, sample, length, ended, path);
            cancellationToken.ThrowIfCancellationRequested();

            var parser = new CsvParser(reader, options.Delimiter, path) { FileLength = lengthAtOpen };
            if (!parser.TryReadRecord())
            {
                throw new ConnectorException(ConnectorFailure.Data, "CSV_EMPTY",
                    "CSV 文件是空的：没有表头，也没有数据", path,
                    "重新导出文件；文件第一行应为列名，其后每行一条记录");
            }
            var columns = CsvHeader.ToColumns(parser.Fields, parser.RecordLine, path);
            parser.ColumnNames = columns.Select(c => c.Name).ToArray();
            return new CsvFile(path, stream, reader, parser, columns, lengthAtOpen, lastWriteUtcAtOpen);
        }
        catch
        {
            reader?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Call after the parser reached the end of the file: the state to commit, describing exactly
    /// the bytes that were read.
    /// </summary>
    /// <exception cref="ConnectorException">The file changed while it was read (Transient: reading again helps once the writer is done).</exception>
    /// <param name="content">The file and the hash of exactly the bytes read (for <see cref="RecordBatch.Content"/>).</param>
    public ConnectorState Complete(long records, out SourceContent content)
    {
        var length = _reader.BytesRead;
        var lastWriteUtc = File.GetLastWriteTimeUtc(_stream.SafeFileHandle);
        if (length != _lengthAtOpen || length != RandomAccess.GetLength(_stream.SafeFileHandle) || lastWriteUtc != _lastWriteUtcAtOpen)
        {
            throw new ConnectorException(ConnectorFailure.Transient, "CSV_FILE_CHANGED",
                "读取过程中 CSV 文件被修改了，读到的内容可能不完整", Path,
                "等文件写入或复制完成后重新运行");
        }

        var sha256 = Convert.ToHexStringLower(_reader.GetHash());
        content = new SourceContent(Path, sha256, length, lastWriteUtc);
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, StateJson))
        {
            writer.WriteStartObject();
            writer.WriteString("file", Path);
            writer.WriteNumber("length", length);
            writer.WriteString("lastWriteUtc", lastWriteUtc.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("sha256", sha256);
            writer.WriteString("encoding", Encoding.Name);
            writer.WriteNumber("records", records);
            writer.WriteEndObject();
        }
        return new ConnectorState(System.Text.Encoding.UTF8.GetString(json.GetBuffer(), 0, (int)json.Length));
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    /// <summary>Opens a file for reading, turning the usual failures into messages a user can act on.</summary>
    internal static FileStream OpenStream(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ConnectorException(ConnectorFailure.Config, "CSV_FILE_NOT_FOUND",
                "数据源配置的 path 指向一个文件夹，而不是 CSV 文件", path, "把 path 改为 CSV 文件本身的路径（包括文件名和 .csv 扩展名）");
        }
        try
        {
            // No FileStream buffer: the reader reads in large blocks itself. FileShare.Read keeps
            // writers out while the file is read (where the platform enforces it).
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConnectorException(ConnectorFailure.Config, "CSV_FILE_NOT_FOUND",
                $"找不到 CSV 文件“{System.IO.Path.GetFileName(path)}”", path,
                "检查数据源配置中的 path 是否正确（相对路径以数据源的基准目录为起点），或把文件放到该位置", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ConnectorException(ConnectorFailure.Config, "CSV_FILE_ACCESS_DENIED",
                $"没有读取 CSV 文件“{System.IO.Path.GetFileName(path)}”的权限", path,
                "请管理员给运行 DataHub 的账户开放该文件的读取权限", ex);
        }
        catch (IOException ex)
        {
            throw new ConnectorException(ConnectorFailure.Transient, "CSV_FILE_UNREADABLE",
                $"暂时无法打开 CSV 文件“{System.IO.Path.GetFileName(path)}”，可能正被其他程序占用", path,
                "关闭正在使用该文件的程序（如 Excel）后重试", ex);
        }
    }

    /// <summary>A read from the file; an I/O failure (disk, network share) becomes a transient connector failure.</summary>
    internal static int ReadBytes(Stream stream, byte[] buffer, int offset, int count, string path)
    {
        try
        {
            return stream.Read(buffer, offset, count);
        }
        catch (IOException ex)
        {
            throw new ConnectorException(ConnectorFailure.Transient, "CSV_FILE_UNREADABLE",
                $"读取 CSV 文件“{System.IO.Path.GetFileName(path)}”时发生输入输出错误", path,
                "确认文件所在的磁盘或共享文件夹可以访问后重试", ex);
        }
    }
}
