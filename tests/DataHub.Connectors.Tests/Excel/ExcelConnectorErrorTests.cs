using System.Text;
using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Excel;
using DataHub.TestKit;
using DataHub.TestKit.Connectors;

namespace DataHub.Connectors.Tests.Excel;

/// <summary>Broken workbooks fail with a typed zh-CN message: what, where, how to fix.</summary>
public sealed class ExcelConnectorErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new("excel-errors");

    public void Dispose() => _dir.Dispose();

    private async Task<ConnectorException> ReadFailsAsync(string file, params (string Key, string Value)[] options)
    {
        var dict = new Dictionary<string, string> { ["path"] = file };
        foreach (var (k, v) in options) dict[k] = v;
        var config = new SourceConfig("住建房屋", dict, _dir.Path);
        var e = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var _ in ExcelConnectorRegistration.Create().ReadAsync(config, null, default)) { }
        });
        var check = await ExcelConnectorRegistration.Create().CheckAsync(config, default);
        Assert.False(check.Succeeded);
        Assert.Contains(e.Code, check.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(e.Fix));
        return e;
    }

    private void WriteGood(string name) =>
        XlsxWriter.Write(_dir.File(name), new XlsxSheet("房屋台账", [["房屋编号", "地址"], ["F001", "一号"]]), new XlsxSheet("人员", [["姓名", "电话"], ["张三", "1"]]));

    [Fact]
    public async Task Read_SheetRenamed_IsConfigFailureListingTheSheets()
    {
        WriteGood("房屋.xlsx");

        var e = await ReadFailsAsync("房屋.xlsx", ("sheet", "房屋台帐2025"));

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("EXCEL_SHEET_MISSING", e.Code);
        Assert.Contains("房屋台帐2025", e.UserMessage, StringComparison.Ordinal);
        Assert.Contains("房屋台账、人员", e.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WorkbookThatIsReallyACsv_SaysSoAndHowToFix()
    {
        File.WriteAllText(_dir.File("房屋.xlsx"), "房屋编号,地址\r\nF001,一号\r\n", new UTF8Encoding(true));

        var e = await ReadFailsAsync("房屋.xlsx");

        Assert.Equal(ConnectorFailure.Data, e.Failure);
        Assert.Equal("EXCEL_IS_TEXT", e.Code);
        Assert.Contains("type: csv", e.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CorruptZip_IsDataFailure()
    {
        WriteGood("好.xlsx");
        var bytes = File.ReadAllBytes(_dir.File("好.xlsx"));
        File.WriteAllBytes(_dir.File("坏.xlsx"), bytes[..(bytes.Length / 2)]); // a transfer cut in half

        var e = await ReadFailsAsync("坏.xlsx");

        Assert.Equal(ConnectorFailure.Data, e.Failure);
        Assert.Equal("EXCEL_CORRUPT", e.Code);
    }

    [Fact]
    public async Task Read_OldXlsFormat_AsksToSaveAsXlsx()
    {
        File.WriteAllBytes(_dir.File("旧.xlsx"), [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0]);

        var e = await ReadFailsAsync("旧.xlsx");

        Assert.Equal("EXCEL_OLD_FORMAT", e.Code);
        Assert.Contains(".xlsx", e.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MissingFile_IsConfigFailure()
    {
        var e = await ReadFailsAsync("没有.xlsx");

        Assert.Equal(ConnectorFailure.Config, e.Failure);
        Assert.Equal("EXCEL_FILE_NOT_FOUND", e.Code);
    }

    [Fact]
    public async Task Read_BadOption_IsConfigFailureNamingIt()
    {
        WriteGood("房屋.xlsx");

        var e = await ReadFailsAsync("房屋.xlsx", ("hidden_columns", "maybe"));

        Assert.Equal("EXCEL_OPTION_INVALID", e.Code);
        Assert.Contains("hidden_columns", e.UserMessage, StringComparison.Ordinal);
    }
}
