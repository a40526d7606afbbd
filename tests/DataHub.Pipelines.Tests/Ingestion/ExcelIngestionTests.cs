using System.Text;
using DataHub.TestKit.Connectors;
using Xunit;
using static DataHub.Pipelines.Tests.Ingestion.IngestionRunnerTests;

namespace DataHub.Pipelines.Tests.Ingestion;

/// <summary>A department's hand-made population sheet through the runner, and the ways such a sheet breaks.</summary>
public sealed class ExcelIngestionTests : IAsyncLifetime
{
    private PipelineFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private string Workbook => Path.Combine(_fx.Root, "街道_人口.xlsx");

    private string WriteDefinition(string sheet = "实有人口")
    {
        var yaml = $$"""
            id: jiedao-population-xlsx
            name: 街道手工人口表
            dataset: population
            department: { code: "320113-MQ", name: 马群街道办事处 }
            catalog: { resource_code: "320113-MQ-RK-0001", share_type: 有条件共享, share_condition: 仅限本辖区, update_cycle: 每月 }
            connector:
              type: excel
              path: 街道_人口.xlsx
              sheet: {{sheet}}
            fields:
              id_number:      { from: 基本信息/公民身份号码 }
              name:           { from: 基本信息/姓名 }
              birth_date:     { from: 基本信息/出生日期 }
              community_code: { from: 社区代码 }
              person_type:    { constant: 户籍 }
            """;
        var path = Path.Combine(_fx.Root, "jiedao.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private void WriteWorkbook(bool withBirthColumn = true)
    {
        var header = withBirthColumn
            ? new object?[] { "基本信息", null, null, "社区代码" }
            : ["基本信息", null, "社区代码"];
        var names = withBirthColumn ? new object?[] { "公民身份号码", "姓名", "出生日期", null } : ["公民身份号码", "姓名", null];
        IEnumerable<object?[]> rows = [
            ["马群街道实有人口登记表"],
            header,
            names,
            .. Enumerable.Range(1, 3).Select(i => withBirthColumn
                ? new object?[] { Id("19800101", i), $"居民{i}", new DateTime(1980, 1, 1), "320113002001" }
                : [Id("19800101", i), $"居民{i}", "320113002001"]),
            ["", null],
        ];
        XlsxWriter.Write(Workbook, new XlsxSheet("实有人口", rows)
        {
            Merges = withBirthColumn ? ["A1:D1", "A2:C2", "D2:D3"] : ["A1:C1", "A2:B2", "C2:C3"],
        });
    }

    [Fact]
    public async Task Run_HandMadeSheet_PublishesEveryRowWithNotes()
    {
        WriteWorkbook();

        var report = await _fx.Runner.RunAsync(WriteDefinition(), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal(3, report.Accepted);
        Assert.Contains(report.SourceNotes!, n => n.Contains("第2行至第3行", StringComparison.Ordinal));
        var rows = await _fx.ReadCurrentAsync();
        Assert.All(rows, r => Assert.Equal(new DateOnly(1980, 1, 1), r["birth_date"]));
    }

    [Theory]
    [InlineData("sheet", "EXCEL_SHEET_MISSING")]
    [InlineData("column", "MAPPING_COLUMN_MISSING")]
    [InlineData("csv", "EXCEL_IS_TEXT")]
    [InlineData("zip", "EXCEL_CORRUPT")]
    public async Task Run_BrokenWorkbook_FailsClearlyAndServesThePreviousVersion(string kind, string code)
    {
        WriteWorkbook();
        var good = await _fx.Runner.RunAsync(WriteDefinition(), default);
        Assert.True(good.Succeeded, good.ToText());

        var yaml = WriteDefinition();
        switch (kind)
        {
            case "sheet":
                yaml = WriteDefinition("实有人口2026");
                break;
            case "column":
                WriteWorkbook(withBirthColumn: false);
                break;
            case "csv":
                File.WriteAllText(Workbook, "公民身份号码,姓名\r\n", new UTF8Encoding(true));
                break;
            default:
                var bytes = File.ReadAllBytes(Workbook);
                File.WriteAllBytes(Workbook, bytes[..(bytes.Length * 2 / 3)]);
                break;
        }
        var report = await _fx.Runner.RunAsync(yaml, default);

        Assert.False(report.Succeeded);
        Assert.Equal(code, report.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(report.ErrorFix));
        Assert.Contains("未发布新版本", report.ToText(), StringComparison.Ordinal);
        Assert.Equal(good.Version, (await _fx.Catalog.Datasets.GetAsync("population", default))!.CurrentVersion);
        Assert.Equal(3, (await _fx.ReadCurrentAsync()).Count);
        if (kind == "column")
        {
            Assert.Contains("基本信息/出生日期", report.Error, StringComparison.Ordinal);
            Assert.Contains("基本信息/姓名", report.ErrorFix, StringComparison.Ordinal); // the columns that exist
        }
    }
}
