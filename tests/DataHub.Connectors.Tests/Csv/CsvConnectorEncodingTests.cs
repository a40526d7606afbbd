using System.Text;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Csv;

namespace DataHub.Connectors.Tests.Csv;

public sealed class CsvConnectorEncodingTests : CsvTestBase
{
    // 𠮷 (U+20BB7) is a four-byte sequence in GB18030 and a surrogate pair in .NET.
    private const string ChineseCsv = "公民身份号码,姓名,现住址\r\n320113198001010015,张三,南京市玄武区\r\n110105199003071239,吉𠮷,北京市朝阳区\r\n";

    [Fact]
    public async Task ReadAsync_Utf8WithoutBom_ReadsChineseHeadersAndValues()
    {
        var config = WriteCsv(ChineseCsv);

        var batches = await ReadAllAsync(config);

        AssertChineseContent(batches);
        Assert.Contains("\"encoding\":\"utf-8\"", batches[^1].State!.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Utf8WithBom_StripsBomFromFirstHeader()
    {
        var config = WriteCsv(ChineseCsv, bom: true);

        var batches = await ReadAllAsync(config);

        AssertChineseContent(batches);
        Assert.Equal("公民身份号码", batches[0].Columns[0].Name);
    }

    [Fact]
    public async Task ReadAsync_Gb18030File_DetectsGb18030AndReadsFourByteCharacters()
    {
        var config = WriteCsv(ChineseCsv, Gb18030);

        var batches = await ReadAllAsync(config);

        AssertChineseContent(batches);
        Assert.Contains("\"encoding\":\"gb18030\"", batches[^1].State!.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_GbkFileWithoutOption_DetectsAndReads()
    {
        var config = WriteCsv("姓名,民族,户籍地址\n张三,汉族,江苏省南京市\n李四,回族,北京市\n", Gbk);

        var records = await ReadRecordsAsync(config);

        Assert.Equal(["张三", "汉族", "江苏省南京市"], records[0].Values);
        Assert.Equal(["李四", "回族", "北京市"], records[1].Values);
    }

    [Fact]
    public async Task ReadAsync_GbkOption_ReadsGbkFile()
    {
        var config = WriteCsv("姓名,民族\n张三,汉族\n", Gbk, options: ("encoding", "gbk"));

        var batches = await ReadAllAsync(config);

        Assert.Equal(["张三", "汉族"], batches[0].Records[0].Values);
        Assert.Contains("\"encoding\":\"gbk\"", batches[^1].State!.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Utf16LeWithBom_Reads()
    {
        var config = WriteCsv(ChineseCsv, new UnicodeEncoding(false, true), bom: true);

        AssertChineseContent(await ReadAllAsync(config));
    }

    [Fact]
    public async Task ReadAsync_Utf16BeWithBom_Reads()
    {
        var config = WriteCsv(ChineseCsv, new UnicodeEncoding(true, true), bom: true);

        AssertChineseContent(await ReadAllAsync(config));
    }

    [Fact]
    public async Task ReadAsync_Utf16WithoutBom_ThrowsEncodingError()
    {
        var config = WriteCsv(ChineseCsv, new UnicodeEncoding(false, false));

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_ENCODING", ex.Code);
        Assert.Equal(ConnectorFailure.Data, ex.Failure);
        Assert.Contains("数据.csv", ex.Where, StringComparison.Ordinal);
        Assert.Contains("CSV UTF-8", ex.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_BinaryFile_ThrowsEncodingError()
    {
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0x50; bytes[1] = 0x4B; bytes[2] = 0x03; bytes[3] = 0x04; // a zip (.xlsx) signature
        bytes[10] = 0;
        var config = WriteBytes(bytes, "人口.csv");

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_ENCODING", ex.Code);
    }

    [Fact]
    public async Task ReadAsync_InvalidByteAfterDetectionSample_ThrowsEncodingErrorNamingTheLine()
    {
        var (text, lines) = LargeUtf8Csv(CsvEncodingDetector.SampleSize + 100_000);
        var bad = Gbk.GetBytes("320113198001010015,张三,南京\n"); // GBK bytes in a UTF-8 file
        var config = WriteBytes([.. Utf8NoBom.GetBytes(text), .. bad, .. "320113198001010015,李四,北京\n"u8]);

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_ENCODING", ex.Code);
        Assert.Equal(ConnectorFailure.Data, ex.Failure);
        Assert.Contains($"第{lines + 1}行", ex.Where, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_InvalidByteAfterSample_DeliversEarlierRecordsFirst()
    {
        var (text, lines) = LargeUtf8Csv(CsvEncodingDetector.SampleSize + 10_000);
        var config = WriteBytes([.. Utf8NoBom.GetBytes(text), 0xFF, .. "\n"u8], options: ("batch_size", "1000"));
        var delivered = 0;

        var ex = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var batch in Connector.ReadAsync(config, null, CancellationToken.None))
                delivered += batch.Records.Count;
        });

        Assert.Equal("CSV_ENCODING", ex.Code);
        Assert.Contains($"第{lines + 1}行", ex.Where, StringComparison.Ordinal);
        Assert.True(delivered > 0 && delivered <= lines - 1);
    }

    [Fact]
    public async Task ReadAsync_NulByteAfterSample_ThrowsEncodingError()
    {
        var (text, lines) = LargeUtf8Csv(CsvEncodingDetector.SampleSize + 10_000);
        var config = WriteBytes([.. Utf8NoBom.GetBytes(text), .. "320113198001010015,"u8, 0, .. ",x\n"u8]);

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_ENCODING", ex.Code);
        Assert.Contains($"第{lines + 1}行", ex.Where, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_GbkLineInsideUtf8Sample_ThrowsEncodingErrorNamingTheLine()
    {
        var bytes = Utf8NoBom.GetBytes("姓名,住址\n张三,南京\n").Concat(Gbk.GetBytes("李四,北京\n")).Concat(Utf8NoBom.GetBytes("王五,上海\n")).ToArray();
        var config = WriteBytes(bytes);

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_ENCODING", ex.Code);
        Assert.Contains("第3行", ex.Where, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_Utf8OptionOnGbkFile_ThrowsEncodingErrorOnFirstLine()
    {
        var config = WriteCsv("姓名,民族\n张三,汉族\n", Gbk, options: ("encoding", "utf-8"));

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_ENCODING", ex.Code);
        Assert.Contains("第1行", ex.Where, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_LargeGb18030File_ReadsAcrossDecodingSegments()
    {
        var (text, lines) = LargeUtf8Csv(3 * CsvEncodingDetector.SampleSize);
        var config = WriteCsv(text, Gb18030);

        var records = await ReadRecordsAsync(config);

        Assert.Equal(lines - 1, records.Count);
        Assert.Equal(lines, records[^1].Position);
        Assert.Equal($"吉𠮷{lines}", records[^1].Values[1]);
    }

    [Fact]
    public async Task CheckAsync_GbkFile_ReportsEncodingAndColumnCount()
    {
        var config = WriteCsv("姓名,民族,户籍地址\n张三,汉族,南京\n", Gbk);

        var result = await Connector.CheckAsync(config, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("GB18030", result.Message, StringComparison.Ordinal);
        Assert.Contains("3 列", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_Utf16WithoutBom_FailsWithEncodingMessage()
    {
        var config = WriteCsv(ChineseCsv, new UnicodeEncoding(false, false));

        var result = await Connector.CheckAsync(config, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("CSV_ENCODING", result.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-8", false, "utf-8")]
    [InlineData("utf-8", true, "utf-8")]
    [InlineData("gbk", false, "gb18030")]
    [InlineData("utf-16le", true, "utf-16le")]
    public void Detect_File_ReturnsEncodingName(string writtenAs, bool bom, string expected)
    {
        var encoding = writtenAs switch
        {
            "gbk" => Gbk,
            "utf-16le" => new UnicodeEncoding(false, true),
            _ => Utf8NoBom,
        };
        WriteCsv(ChineseCsv, encoding, bom);

        Assert.Equal(expected, CsvEncodingDetector.Detect(Path.Combine(WorkDir, "数据.csv")));
    }

    [Fact]
    public void Detect_GbkWithAsciiHeaderAndFewChineseValues_ReturnsGb18030()
    {
        // 女 in GBK (C5 AE) is valid two-byte UTF-8; 男 (C4 D0) is not.
        var rows = string.Concat(Enumerable.Range(0, 200).Select(i => $"{i},{(i % 3 == 0 ? "男" : "女")}\n"));
        WriteCsv("id,gender\n" + rows, Gbk);

        Assert.Equal("gb18030", CsvEncodingDetector.Detect(Path.Combine(WorkDir, "数据.csv")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Detect_RandomGb2312Text_ReturnsGb18030(int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("编号,姓名,住址\n");
        for (var line = 0; line < 500; line++)
        {
            sb.Append(line).Append(',');
            for (var i = 0; i < random.Next(2, 4); i++) sb.Append(RandomHanzi(random));
            sb.Append(',');
            for (var i = 0; i < random.Next(5, 20); i++) sb.Append(RandomHanzi(random));
            sb.Append('\n');
        }
        WriteCsv(sb.ToString(), Gbk);

        Assert.Equal("gb18030", CsvEncodingDetector.Detect(Path.Combine(WorkDir, "数据.csv")));
    }

    [Fact]
    public void Detect_AsciiOnly_ReturnsUtf8()
    {
        WriteCsv("id,name\n1,a\n");

        Assert.Equal("utf-8", CsvEncodingDetector.Detect(Path.Combine(WorkDir, "数据.csv")));
    }

    /// <summary>A GB2312 level-1 or level-2 character (rows B0-F7).</summary>
    private static string RandomHanzi(Random random) =>
        Gbk.GetString([(byte)random.Next(0xB0, 0xF8), (byte)random.Next(0xA1, 0xFF)]);

    private static void AssertChineseContent(List<RecordBatch> batches)
    {
        Assert.Equal(["公民身份号码", "姓名", "现住址"], batches[0].Columns.Select(c => c.Name));
        var records = batches.SelectMany(b => b.Records).ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal(["320113198001010015", "张三", "南京市玄武区"], records[0].Values);
        Assert.Equal(["110105199003071239", "吉𠮷", "北京市朝阳区"], records[1].Values);
        Assert.Equal([2L, 3L], records.Select(r => r.Position));
    }

    /// <summary>A UTF-8 CSV of at least <paramref name="minBytes"/> bytes; returns its text and its line count (header included).</summary>
    private static (string Text, int Lines) LargeUtf8Csv(int minBytes)
    {
        var sb = new StringBuilder("公民身份号码,姓名,现住址\n");
        var lines = 1;
        var bytes = Encoding.UTF8.GetByteCount(sb.ToString());
        while (bytes < minBytes)
        {
            lines++;
            var line = $"320113198001010015,吉𠮷{lines},江苏省南京市玄武区某某街道{lines}号\n";
            sb.Append(line);
            bytes += Encoding.UTF8.GetByteCount(line);
        }
        return (sb.ToString(), lines);
    }
}
