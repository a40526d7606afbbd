using DataHub.Connectors.Abstractions;
using DataHub.Connectors.Csv;
using DataHub.TestKit.Connectors;

namespace DataHub.Connectors.Tests.Csv;

public sealed class CsvConnectorConformanceTests : ConnectorConformance
{
    protected override int ExpectedRecordCount => 5;


    protected override ISourceConnector CreateConnector() => CsvConnectorRegistration.Create();

    protected override SourceConfig CreateValidConfig(string workDir)
    {
        // A batch size below the record count, so the suite sees more than one batch.
        File.WriteAllText(Path.Combine(workDir, "人口.csv"),
            "公民身份号码,姓名,联系电话\r\n" +
            "320113198001010015,张三,13800138000\r\n" +
            "110105199003071239,\"李四\",\r\n" +
            "320113198001010015,\"王\"\"五\"\"\",\"138\r\n00138000\"\r\n" +
            "320113198001010015,赵六,13800138001\r\n" +
            "320113198001010015,孙七,13800138002\r\n");
        return new SourceConfig("人口", new Dictionary<string, string> { ["path"] = "人口.csv", ["batch_size"] = "2" }, workDir);
    }
}
