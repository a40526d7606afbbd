using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Tests.Csv;

public sealed class CsvConnectorErrorTests : CsvTestBase
{
    [Fact]
    public async Task ReadAsync_FileMissing_ThrowsConfigFailure()
    {
        var ex = await ReadFailsAsync(Config("不存在.csv"));

        Assert.Equal("CSV_FILE_NOT_FOUND", ex.Code);
        Assert.Equal(ConnectorFailure.Config, ex.Failure);
        Assert.Contains("不存在.csv", ex.Where, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ex.Fix));
    }

    [Fact]
    public async Task ReadAsync_PathIsFolder_ThrowsConfigFailure()
    {
        Directory.CreateDirectory(Path.Combine(WorkDir, "导出"));

        var ex = await ReadFailsAsync(Config("导出"));

        Assert.Equal("CSV_FILE_NOT_FOUND", ex.Code);
        Assert.Equal(ConnectorFailure.Config, ex.Failure);
    }

    [Fact]
    public async Task CheckAsync_FileMissing_FailsWithWhatWhereAndFix()
    {
        var result = await Connector.CheckAsync(Config("不存在.csv"), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("CSV_FILE_NOT_FOUND", result.Message, StringComparison.Ordinal);
        Assert.Contains("不存在.csv", result.Message, StringComparison.Ordinal);
        Assert.Contains("处理办法", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x20, 0x0D, 0x0A, 0x09, 0x0A })]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF })]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x0D, 0x0A })]
    public async Task ReadAsync_EmptyFile_ThrowsEmpty(byte[] content)
    {
        var ex = await ReadFailsAsync(WriteBytes(content));

        Assert.Equal("CSV_EMPTY", ex.Code);
        Assert.Equal(ConnectorFailure.Data, ex.Failure);
    }

    [Fact]
    public async Task ReadAsync_HeaderOnly_YieldsOneBatchWithNoRecordsAndState()
    {
        var batches = await ReadAllAsync(WriteCsv("姓名,年龄\r\n"));

        var batch = Assert.Single(batches);
        Assert.Empty(batch.Records);
        Assert.Equal(2, batch.Columns.Count);
        Assert.NotNull(batch.State);
    }

    [Fact]
    public async Task ReadAsync_RaggedRow_ThrowsWithLineAndCountsButNoValues()
    {
        var config = WriteCsv("公民身份号码,姓名,电话\n320113198001010015,张三,13800138000\n110105199003071239,李四\n");

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_RAGGED_ROW", ex.Code);
        Assert.Equal(ConnectorFailure.Data, ex.Failure);
        Assert.Contains("第3行", ex.Where, StringComparison.Ordinal);
        Assert.Contains("2 个字段", ex.UserMessage, StringComparison.Ordinal);
        Assert.Contains("3 列", ex.UserMessage, StringComparison.Ordinal);
        var everything = ex.Message + ex.Describe();
        Assert.DoesNotContain("李四", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("110105199003071239", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RaggedRowAfterMultiLineRecord_NamesTheLineItStartsOn()
    {
        var config = WriteCsv("a,b\n1,\"x\ny\"\n1,2,3\n");

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_RAGGED_ROW", ex.Code);
        Assert.Contains("第4行", ex.Where, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_UnterminatedQuote_NamesTheLineTheFieldStarts()
    {
        var config = WriteCsv("姓名,备注\n张三,正常\n李四,\"没有结束\n第二行\n第三行\n");

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_UNTERMINATED_QUOTE", ex.Code);
        Assert.Equal(ConnectorFailure.Data, ex.Failure);
        Assert.Contains("第3行第2列（备注）", ex.Where, StringComparison.Ordinal);
        Assert.DoesNotContain("没有结束", ex.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TextAfterClosingQuote_ThrowsBadQuote()
    {
        var config = WriteCsv("a,b\n1,2\n\"3\"x,4\n");

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_BAD_QUOTE", ex.Code);
        Assert.Contains("第3行第1列（a）", ex.Where, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_EmptyFile_FailsWithoutThrowing()
    {
        var result = await Connector.CheckAsync(WriteBytes([]), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("CSV_EMPTY", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("encoding", "latin1")]
    [InlineData("delimiter", ";;")]
    [InlineData("delimiter", "\"")]
    [InlineData("batch_size", "0")]
    [InlineData("batch_size", "abc")]
    [InlineData("batch_size", "-5")]
    public async Task ReadAsync_InvalidOption_ThrowsConfigFailureNamingIt(string option, string value)
    {
        var config = WriteCsv("a\n1\n", options: (option, value));

        var ex = await ReadFailsAsync(config);

        Assert.Equal("CSV_OPTION_INVALID", ex.Code);
        Assert.Equal(ConnectorFailure.Config, ex.Failure);
        Assert.Contains(option, ex.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EmptyPath_ThrowsConfigFailure()
    {
        var ex = await ReadFailsAsync(Config(" "));

        Assert.Equal(ConnectorFailure.Config, ex.Failure);
    }
}
