using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Excel;
using DataHub.TestKit.Connectors;

namespace DataHub.Connectors.Tests.Excel;

public sealed class ExcelConnectorConformanceTests : ConnectorConformance
{
    protected override int ExpectedRecordCount => 5;

    protected override ISourceConnector CreateConnector() => ExcelConnectorRegistration.Create();

    protected override SourceConfig CreateValidConfig(string workDir)
    {
        XlsxWriter.Write(Path.Combine(workDir, "住建.xlsx"), new XlsxSheet("房屋", [
            ["栖霞区房屋台账（2026年11月）"],
            ["房屋编号", "地址", "面积", "登记日期"],
            ["F001", "马群街道1号", 88.5m, new DateTime(2020, 1, 5)],
            ["F002", "马群街道2号", 90m, new DateTime(2021, 2, 6)],
            ["F003", "马群街道3号", 70.25m, new DateTime(2022, 3, 7)],
            ["F004", "马群街道4号", 120m, new DateTime(2023, 4, 8)],
            ["F005", "马群街道5号", 60m, new DateTime(2024, 5, 9)],
        ]) { Merges = ["A1:D1"] });
        return new SourceConfig("住建房屋", new Dictionary<string, string> { ["path"] = "住建.xlsx", ["batch_size"] = "2" }, workDir);
    }
}
