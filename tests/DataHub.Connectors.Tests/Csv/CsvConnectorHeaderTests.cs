using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Csv;

namespace DataHub.Connectors.Tests.Csv;

public sealed class CsvConnectorHeaderTests : CsvTestBase
{
    [Fact]
    public async Task DiscoverAsync_MessyHeaders_NormalisesNames()
    {
        var config = WriteCsv("\u200B 姓名 ,身份 证号,联系电话（手机）,\u3000现住址\u00A0,,ＩＤ\n1,2,3,4,5,6\n", bom: true);

        var stream = await Connector.DiscoverAsync(config, CancellationToken.None);

        Assert.Equal(["姓名", "身份证号", "联系电话(手机)", "现住址", "列5", "ID"], stream.Columns.Select(c => c.Name));
        Assert.Equal([1, 2, 3, 4, 5, 6], stream.Columns.Select(c => c.Ordinal));
    }

    [Fact]
    public async Task DiscoverAsync_QuotedHeaderWithLineBreak_RemovesTheBreak()
    {
        var config = WriteCsv("\"联系\n电话\",\"姓名\"\n1,2\n");

        var stream = await Connector.DiscoverAsync(config, CancellationToken.None);

        Assert.Equal(["联系电话", "姓名"], stream.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task DiscoverAsync_DuplicateAfterNormalisation_ThrowsNamingColumnsAndPositions()
    {
        var config = WriteCsv("姓名,电话（手机）,住址,姓 名,电话(手机)\n1,2,3,4,5\n");

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Connector.DiscoverAsync(config, CancellationToken.None));

        Assert.Equal("CSV_DUPLICATE_HEADER", ex.Code);
        Assert.Equal(ConnectorFailure.Data, ex.Failure);
        Assert.Contains("“姓名”（第1列、第4列）", ex.UserMessage, StringComparison.Ordinal);
        Assert.Contains("“电话(手机)”（第2列、第5列）", ex.UserMessage, StringComparison.Ordinal);
        Assert.Contains("第1行", ex.Where, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_DuplicateIgnoringCase_Throws()
    {
        var ex = await ReadFailsAsync(WriteCsv("Name,NAME\n1,2\n"));

        Assert.Equal("CSV_DUPLICATE_HEADER", ex.Code);
    }

    [Theory]
    [InlineData("联系电话（手机）", "联系电话(手机)")]
    [InlineData(" 身份 证号 ", "身份证号")]
    [InlineData("\uFEFF姓名", "姓名")]
    [InlineData("姓\u200B名\u3000", "姓名")]
    [InlineData("ｍｏｂｉｌｅ", "mobile")]
    public void NormalizeName_RawHeader_ReturnsCleanName(string raw, string expected) =>
        Assert.Equal(expected, CsvHeader.NormalizeName(raw));
}
