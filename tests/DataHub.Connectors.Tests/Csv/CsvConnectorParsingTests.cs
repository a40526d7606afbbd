using System.Text;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Tests.Csv;

public sealed class CsvConnectorParsingTests : CsvTestBase
{
    [Fact]
    public async Task ReadAsync_QuotedFields_KeepsDelimitersQuotesAndLineBreaks()
    {
        var config = WriteCsv(
            "姓名,备注,住址\r\n" +
            "\"张,三\",\"他说\"\"你好\"\"\",\"南京市\r\n玄武区\"\r\n" +
            "李四,\"\",\"第一行\n第二行\"\r\n");

        var records = await ReadRecordsAsync(config);

        Assert.Equal(["张,三", "他说\"你好\"", "南京市\r\n玄武区"], records[0].Values);
        Assert.Equal(["李四", "", "第一行\n第二行"], records[1].Values);
    }

    [Fact]
    public async Task ReadAsync_RecordAfterMultiLineRecord_PositionIsItsPhysicalLine()
    {
        var config = WriteCsv(
            "a,b\r\n" +          // line 1
            "1,\"x\r\ny\ny\"\r\n" + // lines 2-4
            "2,z\r\n" +           // line 5
            "\r\n" +              // line 6, blank
            "3,\"\n\"\n" +        // lines 7-8
            "4,w");               // line 9, no final line break

        var records = await ReadRecordsAsync(config);

        Assert.Equal([2L, 5L, 7L, 9L], records.Select(r => r.Position));
        Assert.Equal(["4", "w"], records[3].Values);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("\r")]
    public async Task ReadAsync_AnyLineEnding_ReadsRecordsAndLineNumbers(string newline)
    {
        var config = WriteCsv(string.Join(newline, "a,b", "1,2", "", "3,\"x" + newline + "y\"", "5,6") + newline);

        var records = await ReadRecordsAsync(config);

        Assert.Equal([2L, 4L, 6L], records.Select(r => r.Position));
        Assert.Equal(["3", "x" + newline + "y"], records[1].Values);
        Assert.Equal(["5", "6"], records[2].Values);
    }

    [Fact]
    public async Task ReadAsync_BlankAndWhiteSpaceLines_AreSkippedButCounted()
    {
        var config = WriteCsv("\n姓名,年龄\n\n张三,30\n   \n\u3000\n李四,40\n\n\n");

        var batches = await ReadAllAsync(config);

        Assert.Equal(["姓名", "年龄"], batches[0].Columns.Select(c => c.Name));
        var records = batches.SelectMany(b => b.Records).ToList();
        Assert.Equal([4L, 7L], records.Select(r => r.Position));
    }

    [Fact]
    public async Task ReadAsync_EmptyFieldsAndSpaces_KeepsValuesUntrimmed()
    {
        var config = WriteCsv("a,b,c\n, x ,\n");

        var records = await ReadRecordsAsync(config);

        Assert.Equal(["", " x ", ""], records[0].Values);
    }

    [Fact]
    public async Task ReadAsync_QuoteInsideUnquotedField_KeepsItAsText()
    {
        var config = WriteCsv("a,b\n5\"3,x\"y\n");

        var records = await ReadRecordsAsync(config);

        Assert.Equal(["5\"3", "x\"y"], records[0].Values);
    }

    [Theory]
    [InlineData("\t")]
    [InlineData("\\t")]
    [InlineData("tab")]
    public async Task ReadAsync_TabDelimiterOption_SplitsOnTabs(string option)
    {
        var config = WriteCsv("姓名\t住址\n张三\t南京,玄武\n", options: ("delimiter", option));

        var records = await ReadRecordsAsync(config);

        Assert.Equal(["张三", "南京,玄武"], records[0].Values);
    }

    [Fact]
    public async Task ReadAsync_SemicolonDelimiter_SplitsOnSemicolons()
    {
        var config = WriteCsv("a;b\n\"1;2\";3\n", options: ("delimiter", ";"));

        var records = await ReadRecordsAsync(config);

        Assert.Equal(["1;2", "3"], records[0].Values);
    }

    [Fact]
    public async Task ReadAsync_LongQuotedFieldAcrossBuffers_ReadsItWholeAndCountsLines()
    {
        var longValue = string.Concat(Enumerable.Range(0, 30_000).Select(i => $"第{i}段\"\"引号\n"));
        var config = WriteCsv($"a,b\n1,\"{longValue}\"\n2,after\n");

        var records = await ReadRecordsAsync(config);

        Assert.Equal(longValue.Replace("\"\"", "\"", StringComparison.Ordinal), records[0].Values[1]);
        Assert.Equal(2 + 30_000 + 1, records[1].Position);
        Assert.Equal(["2", "after"], records[1].Values);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadAsync_RandomRecordsWrittenAsCsv_RoundTrip(int seed)
    {
        // Random content with everything CSV must escape, enough to cross every buffer boundary.
        var random = new Random(seed);
        string[] tokens = ["a", "b", ",", "\"", "\r", "\n", " ", "张", "𠮷", "\t", "0"];
        var newline = seed switch { 1 => "\r\n", 2 => "\n", _ => "\r" };
        var expected = new List<string[]>();
        var sb = new StringBuilder("c1,c2,c3,c4" + newline);
        var line = 2L;
        var positions = new List<long>();
        while (sb.Length < 1_500_000)
        {
            var row = new string[4];
            for (var i = 0; i < 4; i++)
            {
                row[i] = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => tokens[random.Next(tokens.Length)]));
            }
            expected.Add(row);
            positions.Add(line);
            var text = string.Join(",", row.Select(v => v.IndexOfAny(['"', ',', '\r', '\n']) >= 0 || v.Length == 0 && random.Next(2) == 0
                ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v)) + newline;
            sb.Append(text);
            line += CountLines(text);
        }
        var config = WriteCsv(sb.ToString(), seed == 3 ? Gb18030 : Utf8NoBom);

        var records = await ReadRecordsAsync(config);

        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], records[i].Values);
            Assert.Equal(positions[i], records[i].Position);
        }
    }

    [Fact]
    public async Task DiscoverAsync_File_ReturnsFileNameAsStreamAndColumnsWithOrdinals()
    {
        var config = WriteCsv("姓名,年龄\n张三,30\n", name: "人口2024.csv");

        var stream = await Connector.DiscoverAsync(config, CancellationToken.None);

        Assert.Equal("人口2024", stream.Name);
        Assert.Equal([new SourceColumn("姓名", 1), new SourceColumn("年龄", 2)], stream.Columns);
    }

    [Fact]
    public async Task ReadAsync_PathInSubfolder_ResolvesAgainstBaseDirectory()
    {
        Directory.CreateDirectory(Path.Combine(WorkDir, "公安"));
        WriteCsv("a\n1\n", name: Path.Combine("公安", "人口.csv"));

        var records = await ReadRecordsAsync(Config("公安/人口.csv"));

        Assert.Equal(["1"], records[0].Values);
    }

    private static int CountLines(string text)
    {
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')) n++;
        }
        return n;
    }
}
