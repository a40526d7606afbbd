using System.Buffers;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Csv;

/// <summary>
/// A streaming RFC 4180 parser over a <see cref="TextReader"/>: quoted fields with doubled quotes,
/// delimiters and line breaks inside quotes, CRLF / LF / CR line endings. It keeps one growing char
/// buffer and cuts field strings straight out of it, so a record costs its strings and nothing else.
/// </summary>
/// <remarks>
/// Line numbers are physical lines (a line break inside a quoted field counts), so that
/// <see cref="RecordLine"/> is the line an editor shows. Blank lines (empty or only white space)
/// are skipped but counted. A quote inside an unquoted field is kept as a character (as Excel
/// does); text after a closing quote is an error, because the field boundaries are then unclear.
/// </remarks>
internal sealed class CsvParser
{
    /// <summary>Longest field accepted; a longer one almost always means a quote that is never closed.</summary>
    public const int MaxFieldLength = 1 << 22;

    private const int InitialBufferSize = 1 << 16;

    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\r\n");

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly string _where;
    private readonly SearchValues<char> _unquotedStops;
    private readonly List<string> _fields = [];
    private char[] _buffer = new char[InitialBufferSize];
    private char[] _scratch = [];
    private int _pos;
    private int _length;
    private int _mark = -1; // start of text that a refill must keep (the field being read), or -1
    private bool _ended;
    private long _line = 1;

    /// <param name="where">The file, as error messages name it.</param>
    public CsvParser(TextReader reader, char delimiter, string where)
    {
        _reader = reader;
        _delimiter = delimiter;
        _where = where;
        _unquotedStops = SearchValues.Create([delimiter, '\r', '\n']);
    }

    /// <summary>Column names for error messages, once the header is known.</summary>
    public IReadOnlyList<string>? ColumnNames { get; set; }

    /// <summary>The 1-based physical line on which the last record read starts.</summary>
    public long RecordLine { get; private set; }

    /// <summary>The fields of the last record read.</summary>
    public IReadOnlyList<string> Fields => _fields;

    /// <summary>Whether the last record read ended at the end of the file without a line break.</summary>
    public bool RecordUnterminated { get; private set; }

    /// <summary>The file's length in bytes, so undecodable bytes at its very end can be told apart as a cut (0: unknown).</summary>
    public long FileLength { get; set; }

    /// <summary>Reads the next record into <see cref="Fields"/>; false at the end of the file.</summary>
    /// <exception cref="ConnectorException">A broken quote, an overlong field or an undecodable byte (Data).</exception>
    public bool TryReadRecord()
    {
        _fields.Clear();
        RecordUnterminated = false;
        if (!SkipBlankLines()) return false;
        RecordLine = _line;
        var column = 1;
        while (ReadField(column++)) { }
        return true;
    }

    /// <summary>Skips empty and white-space-only lines; false at the end of the file.</summary>
    private bool SkipBlankLines()
    {
        while (true)
        {
            if (_pos == _length && !Refill()) return false;
            _mark = _pos;
            var p = _pos;
            while (true)
            {
                if (p == _length)
                {
                    var offset = p - _mark;
                    if (!Refill())
                    {
                        // Trailing white space at the end of the file.
                        _mark = -1;
                        _pos = _length;
                        return false;
                    }
                    p = _mark + offset;
                }
                var c = _buffer[p];
                if (c is '\r' or '\n')
                {
                    _mark = -1;
                    _pos = p + 1;
                    EndLine(c);
                    break;
                }
                if (c != _delimiter && c is ' ' or '\t' or '\u3000' or '\u00A0')
                {
                    p++;
                    continue;
                }
                _pos = _mark;
                _mark = -1;
                return true;
            }
        }
    }

    /// <summary>Reads one field at the current position; true if a delimiter follows (more fields in the record).</summary>
    private bool ReadField(int column)
    {
        if (_pos == _length && !Refill())
        {
            // The record ends at the end of the file right after a delimiter: an empty last field.
            _fields.Add("");
            RecordUnterminated = true;
            return false;
        }
        if (_buffer[_pos] == '"') return ReadQuotedField(column);

        _mark = _pos;
        while (true)
        {
            var i = _buffer.AsSpan(_pos, _length - _pos).IndexOfAny(_unquotedStops);
            if (i < 0)
            {
                _pos = _length;
                if (!Refill())
                {
                    AddField(_mark, _length - _mark);
                    _mark = -1;
                    RecordUnterminated = true;
                    return false;
                }
                continue;
            }
            _pos += i;
            AddField(_mark, _pos - _mark);
            _mark = -1;
            var stop = _buffer[_pos++];
            if (stop == _delimiter) return true;
            EndLine(stop);
            return false;
        }
    }

    private bool ReadQuotedField(int column)
    {
        var startLine = _line;
        _mark = _pos;
        _pos++; // the opening quote
        var doubledQuotes = 0;
        while (true)
        {
            var i = _buffer.AsSpan(_pos, _length - _pos).IndexOfAny(QuotedStops);
            if (i < 0)
            {
                _pos = _length;
                if (!Refill()) throw UnterminatedQuote(startLine, column);
                continue;
            }
            _pos += i;
            var c = _buffer[_pos++];
            if (c != '"')
            {
                EndLine(c); // a line break inside the field: keep it, count the line
                continue;
            }
            if (_pos == _length && !Refill())
            {
                AddQuotedField(doubledQuotes);
                _mark = -1;
                RecordUnterminated = true;
                return false;
            }
            if (_buffer[_pos] == '"')
            {
                _pos++;
                doubledQuotes++;
                continue;
            }

            AddQuotedField(doubledQuotes);
            _mark = -1;
            var next = _buffer[_pos++];
            if (next == _delimiter) return true;
            if (next is '\r' or '\n')
            {
                EndLine(next);
                return false;
            }
            throw TextAfterQuote(column);
        }
    }

    /// <summary>Counts a line break just consumed; for CR, also consumes the LF of a CRLF.</summary>
    private void EndLine(char c)
    {
        _line++;
        if (c == '\r' && (_pos < _length || Refill()) && _buffer[_pos] == '\n') _pos++;
    }

    private void AddField(int start, int length) =>
        _fields.Add(length == 0 ? "" : new string(_buffer, start, length));

    /// <summary>Adds the quoted field from <see cref="_mark"/> (its opening quote) to the closing quote before <see cref="_pos"/>.</summary>
    private void AddQuotedField(int doubledQuotes)
    {
        var content = _buffer.AsSpan(_mark + 1, _pos - 1 - (_mark + 1));
        if (doubledQuotes == 0)
        {
            _fields.Add(content.IsEmpty ? "" : new string(content));
            return;
        }
        if (_scratch.Length < content.Length) _scratch = new char[Math.Max(content.Length, 256)];
        var n = 0;
        for (var i = 0; i < content.Length; i++)
        {
            _scratch[n++] = content[i];
            if (content[i] == '"') i++; // the second quote of a doubled pair
        }
        _fields.Add(new string(_scratch, 0, n));
    }

    /// <summary>
    /// Reads more text after the buffered text, keeping everything from <see cref="_mark"/> on
    /// (the field being read) and moving it to the front. False at the end of the file.
    /// </summary>
    private bool Refill()
    {
        if (_ended) return false;
        var keepFrom = _mark >= 0 ? _mark : _pos;
        var keep = _length - keepFrom;
        if (keepFrom > 0)
        {
            if (keep > 0) Array.Copy(_buffer, keepFrom, _buffer, 0, keep);
            _pos -= keepFrom;
            if (_mark >= 0) _mark = 0;
            _length = keep;
        }
        if (_length == _buffer.Length)
        {
            if (_length >= MaxFieldLength) throw FieldTooLong();
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        int n;
        try
        {
            n = _reader.Read(_buffer, _length, _buffer.Length - _length);
        }
        catch (CsvDecodingException ex)
        {
            throw InvalidBytes(ex);
        }
        if (n == 0)
        {
            _ended = true;
            return false;
        }
        _length += n;
        return true;
    }

    private string Column(int column)
    {
        var name = ColumnNames is { } names && column <= names.Count ? $"（{names[column - 1]}）" : "";
        return $"第{column}列{name}";
    }

    private ConnectorException UnterminatedQuote(long startLine, int column) =>
        new(ConnectorFailure.Data, "CSV_UNTERMINATED_QUOTE",
            $"第{startLine}行{Column(column)}以英文双引号开头，但直到文件结尾都没有对应的结束引号",
            $"{_where} 第{startLine}行{Column(column)}",
            "在该值末尾补上英文双引号；值中本身的双引号须写成两个（\"\"）");

    private ConnectorException TextAfterQuote(int column) =>
        new(ConnectorFailure.Data, "CSV_BAD_QUOTE",
            $"第{_line}行{Column(column)}的结束引号后面还有其他字符，无法确定字段的边界",
            $"{_where} 第{_line}行{Column(column)}",
            "用英文双引号把整个值括起来，值中本身的双引号写成两个（\"\"）；或去掉多余的引号");

    private ConnectorException FieldTooLong() =>
        new(ConnectorFailure.Data, "CSV_FIELD_TOO_LONG",
            $"第{RecordLine}行开始的记录中有一个字段超过 {MaxFieldLength} 个字符，多半是某个引号没有闭合",
            $"{_where} 第{RecordLine}行",
            "检查该行附近的英文双引号是否成对；值中本身的双引号须写成两个（\"\"）");

    private ConnectorException InvalidBytes(CsvDecodingException ex) =>
        // The file ended inside a multibyte character: a truncated copy, not a wrong encoding.
        ex.TruncatedTail
            ? CsvEncodingDetector.Truncated(_where, _line, ex)
            : new(ConnectorFailure.Data, "CSV_ENCODING",
            $"第{_line}行含有不符合文件编码的字节（文件第 {ex.ByteOffset} 字节），文件可能混用了多种编码或已损坏",
            $"{_where} 第{_line}行",
            CsvEncodingDetector.EncodingFix, ex);
}
