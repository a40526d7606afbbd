using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Csv;

namespace DataHub.Connectors.Tests.Csv;

public sealed class CsvParserTests
{
    public static TheoryData<string> Inputs => new()
    {
        "a,b\r\n1,2\r\n",
        "a,b\r\n\"x\r\ny\",\"he said \"\"hi\"\"\"\r\n\r\n3,\r\n",
        "a,b\r\r\n\n1,\"\"\r\"\"\"\",\"\"\r",
        "a\n\"\"\"\"\n\" , \"\n",
        "h1,h2,h3\n,,\n\"\",\"\",\"\"\n 1 ,\t2\t,3",
        "姓名,住址\r\n张三,\"南京\r\n玄武\"\r\n吉𠮷,\"a\"\"b\"",
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void TryReadRecord_InputTrickledOneCharAtATime_SameAsWholeInput(string input)
    {
        var whole = ReadAll(new StringReader(input));
        var trickled = ReadAll(new TrickleReader(input, 1));
        var pairs = ReadAll(new TrickleReader(input, 2));

        Assert.NotEmpty(whole);
        Assert.Equal(whole, trickled);
        Assert.Equal(whole, pairs);
    }

    [Fact]
    public void TryReadRecord_MixedLineEndingsAndEmptyQuotes_ReadsExpectedFieldsAndLines()
    {
        var records = ReadAll(new TrickleReader("a,b\r\r\n\n1,\"\"\r\"\"\"\",\"\"\r", 1));

        Assert.Equal([(1L, "a\u0001b"), (4L, "1\u0001"), (5L, "\"\u0001")], records);
    }

    [Fact]
    public void TryReadRecord_CrAtEndOfRead_CountsCrLfAsOneLine()
    {
        var records = ReadAll(new TrickleReader("a\r\nb\r\nc", 2));

        Assert.Equal([(1L, "a"), (2L, "b"), (3L, "c")], records);
    }

    [Fact]
    public void TryReadRecord_FieldLongerThanLimit_ThrowsFieldTooLong()
    {
        var input = "a\n\"" + new string('x', CsvParser.MaxFieldLength + 10);
        var parser = new CsvParser(new StringReader(input), ',', "test.csv");
        parser.TryReadRecord();

        var ex = Assert.Throws<ConnectorException>(() => parser.TryReadRecord());

        Assert.Equal("CSV_FIELD_TOO_LONG", ex.Code);
        Assert.Contains("第2行", ex.Where, StringComparison.Ordinal);
    }

    /// <summary>Each record as its start line and its fields joined by U+0001 (value equality for the assertions).</summary>
    private static List<(long Line, string Fields)> ReadAll(TextReader reader)
    {
        var parser = new CsvParser(reader, ',', "test.csv");
        var records = new List<(long, string)>();
        while (parser.TryReadRecord()) records.Add((parser.RecordLine, string.Join('\u0001', parser.Fields)));
        return records;
    }

    /// <summary>Hands out at most a few characters per read, so every buffer boundary case occurs.</summary>
    private sealed class TrickleReader(string text, int chunk) : TextReader
    {
        private int _pos;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            var n = Math.Min(Math.Min(chunk, buffer.Length), text.Length - _pos);
            text.AsSpan(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }
    }
}
