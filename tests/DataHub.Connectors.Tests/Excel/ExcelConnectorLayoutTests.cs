using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Excel;
using DataHub.TestKit;
using DataHub.TestKit.Connectors;

namespace DataHub.Connectors.Tests.Excel;

/// <summary>Workbooks laid out as departments make them, written by a library, read back exactly.</summary>
public sealed class ExcelConnectorLayoutTests : IDisposable
{
    private readonly TempDirectory _dir = new("excel-layout");

    public void Dispose() => _dir.Dispose();

    private SourceConfig Config(string file, params (string Key, string Value)[] options)
    {
        var dict = new Dictionary<string, string> { ["path"] = file };
        foreach (var (k, v) in options) dict[k] = v;
        return new SourceConfig("住建房屋", dict, _dir.Path);
    }

    private static async Task<(SourceStream Stream, List<SourceRecord> Records)> ReadAsync(SourceConfig config)
    {
        var connector = ExcelConnectorRegistration.Create();
        var stream = await connector.DiscoverAsync(config, default);
        var records = new List<SourceRecord>();
        await foreach (var b in connector.ReadAsync(config, null, default)) records.AddRange(b.Records);
        return (stream, records);
    }

    [Fact]
    public async Task Read_TitleNoteAndTwoRowMergedHeader_JoinsGroupAndColumnNames()
    {
        XlsxWriter.Write(_dir.File("房屋.xlsx"), new XlsxSheet("台账", [
            ["南京市栖霞区房屋基础信息台账"],
            ["填报单位：马群街道    填报日期：2026年11月28日"],
            ["序号", "房屋信息", null, null, "权属人", null],
            [null, "房屋编号", "地址", "建筑面积\n（平方米）", "姓名", "联系电话"],
            [1m, "F001", "马群街道1号", 88.5m, "张三", "13800138000"],
            [2m, "F002", "马群街道2号", 90m, "李四", "13900139000"],
        ]) { Merges = ["A1:F1", "A2:F2", "A3:A4", "B3:D3", "E3:F3"] });

        var (stream, records) = await ReadAsync(Config("房屋.xlsx"));

        Assert.Equal(["序号", "房屋信息/房屋编号", "房屋信息/地址", "房屋信息/建筑面积（平方米）", "权属人/姓名", "权属人/联系电话"], stream.Columns.Select(c => c.Name));
        Assert.Equal(2, records.Count);
        Assert.Equal(5, records[0].Position); // the Excel row number, so people find it
        Assert.Equal("F002", records[1].Values[1]);
        Assert.Equal(88.5m, records[0].Values[3]);
        Assert.Contains(stream.Notes!, n => n.Contains("第3行至第4行", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Read_HeaderRowOption_OverridesDetection()
    {
        XlsxWriter.Write(_dir.File("房屋.xlsx"), new XlsxSheet("台账", [
            ["说明", "本表由街道填报"],
            ["房屋编号", "地址"],
            ["F001", "马群街道1号"],
        ]));

        var (auto, _) = await ReadAsync(Config("房屋.xlsx"));
        var (fixedRow, records) = await ReadAsync(Config("房屋.xlsx", ("header_row", "2")));

        Assert.Equal(["说明", "本表由街道填报"], auto.Columns.Select(c => c.Name)); // two text cells look like a header
        Assert.Equal(["房屋编号", "地址"], fixedRow.Columns.Select(c => c.Name));
        Assert.Single(records);
    }

    [Fact]
    public async Task Read_SeveralSheets_ChosenByNameOrIndexAndHiddenSheetsPassedOverByDefault()
    {
        XlsxWriter.Write(_dir.File("多表.xlsx"),
            new XlsxSheet("说明", [["填表说明", "见附件"], ["a", "b"]]) { Hidden = true },
            new XlsxSheet("房屋", [["房屋编号", "地址"], ["F001", "一号"]]),
            new XlsxSheet("人员", [["姓名", "电话"], ["张三", "138"], ["李四", "139"]]));

        Assert.Equal("房屋", (await ReadAsync(Config("多表.xlsx"))).Stream.Name);
        Assert.Equal(2, (await ReadAsync(Config("多表.xlsx", ("sheet", "人员")))).Records.Count);
        Assert.Equal("人员", (await ReadAsync(Config("多表.xlsx", ("sheet", "3")))).Stream.Name);
    }

    [Fact]
    public async Task Read_NumbersAsTextSerialDatesAndTrailingEmptyRows_KeepTheirValues()
    {
        XlsxWriter.Write(_dir.File("值.xlsx"), new XlsxSheet("Sheet1", [
            ["社区代码", "房屋编号", "登记日期", "竣工日期", "序号数值", "日期序号"],
            ["320113002001", "00123", new DateTime(2020, 1, 5), new XlsxChineseDate(new DateTime(1998, 7, 1)), 42, 45231],
            ["320113002002", "00124", new DateTime(2020, 1, 5, 8, 30, 0), null, 43, 45232],
            [" ", "", null, null, null, null],
            ["", null, null, null, null, null],
        ]));

        var (stream, records) = await ReadAsync(Config("值.xlsx"));

        Assert.Equal(2, records.Count); // whitespace-only and empty trailing rows are not records
        Assert.Equal("00123", records[0].Values[1]); // stored as text: leading zeros kept
        Assert.Equal(new DateTime(2020, 1, 5), records[0].Values[2]);
        Assert.Equal(new DateTime(2020, 1, 5, 8, 30, 0), records[1].Values[2]);
        Assert.Equal(new DateTime(1998, 7, 1), records[0].Values[3]); // 1998年7月1日 style is a date style too
        Assert.Equal(42m, records[0].Values[4]);
        Assert.Equal(45231m, records[0].Values[5]); // a bare serial stays a number; a date field parses it
        Assert.Equal(["text", "text", "date", "date", "number", "number"], stream.Columns.Select(c => c.DeclaredType));
    }

    [Fact]
    public async Task Read_HiddenColumns_AreSkippedAndReportedOrReadOnRequest()
    {
        XlsxWriter.Write(_dir.File("隐藏.xlsx"), new XlsxSheet("Sheet1", [
            ["房屋编号", "内部备注", "地址"],
            ["F001", "勿外传", "一号"],
        ]) { HiddenColumns = [2] });

        var (skipped, records) = await ReadAsync(Config("隐藏.xlsx"));
        var (read, all) = await ReadAsync(Config("隐藏.xlsx", ("hidden_columns", "read")));

        Assert.Equal(["房屋编号", "地址"], skipped.Columns.Select(c => c.Name));
        Assert.Equal(["F001", "一号"], records[0].Values);
        Assert.Contains(skipped.Notes!, n => n.Contains("B列（内部备注）", StringComparison.Ordinal));
        Assert.Equal(["房屋编号", "内部备注", "地址"], read.Columns.Select(c => c.Name));
        Assert.Equal("勿外传", all[0].Values[1]);
    }

    [Fact]
    public async Task Read_LargeSheet_StreamsEveryRowInBatches()
    {
        const int Rows = 20_000;
        XlsxWriter.Write(_dir.File("大表.xlsx"), new XlsxSheet("Sheet1",
            new[] { new object?[] { "编号", "名称", "数值" } }.Concat(Enumerable.Range(1, Rows).Select(i => new object?[] { $"F{i:D6}", $"名称{i % 100}", i }))));
        var config = Config("大表.xlsx", ("batch_size", "1000"));

        var batches = 0;
        long last = 0, count = 0;
        await foreach (var b in ExcelConnectorRegistration.Create().ReadAsync(config, null, default))
        {
            batches++;
            count += b.Records.Count;
            if (b.Records.Count > 0) last = b.Records[^1].Position;
        }

        Assert.Equal(Rows, count);
        Assert.Equal(Rows + 1, last);
        Assert.True(batches >= Rows / 1000);
    }
}
