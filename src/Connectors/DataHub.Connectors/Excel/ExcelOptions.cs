using System.Globalization;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Excel;

/// <summary>The Excel connector's options, validated before the workbook is opened.</summary>
internal sealed record ExcelOptions(string SourceId, string FilePath, string? Sheet, int? HeaderRow, int? HeaderRows, bool ReadHiddenColumns, int BatchSize)
{
    public const string PathOption = "path";
    public const string SheetOption = "sheet";
    public const string HeaderRowOption = "header_row";
    public const string HeaderRowsOption = "header_rows";
    public const string HiddenColumnsOption = "hidden_columns";
    public const string BatchSizeOption = "batch_size";

    public const int DefaultBatchSize = 5000;
    public const int MaxBatchSize = 1_000_000;

    /// <summary>How far down a header is looked for when <c>header_row</c> is auto.</summary>
    public const int HeaderSearchRows = 30;

    public static IReadOnlyList<ConnectorOption> Declared { get; } =
    [
        new(PathOption, "Excel 工作簿（.xlsx）的路径；相对路径以数据源定义文件所在目录为起点", null, Required: true),
        new(SheetOption, "要读取的工作表：名称（如 房屋台账）或从 1 起的序号；默认第一个未隐藏的工作表", null, Required: false),
        new(HeaderRowOption, "表头所在行号（从 1 起）；auto 表示跳过标题行、说明行后自动识别", "auto", Required: false),
        new(HeaderRowsOption, "表头占几行（1 或 2）；auto 表示按合并单元格判断，两行表头合并为“上级/下级”形式的列名", "auto", Required: false),
        new(HiddenColumnsOption, "隐藏列的处理：skip（跳过并在运行报告中列出）或 read（照常读取）", "skip", Required: false),
        new(BatchSizeOption, $"每批交给处理流程的记录数，1 到 {MaxBatchSize}", DefaultBatchSize.ToString(CultureInfo.InvariantCulture), Required: false),
    ];

    public static ExcelOptions From(SourceConfig config)
    {
        if (string.IsNullOrWhiteSpace(config.RequireOption(PathOption)))
            throw Invalid(config, PathOption, "", "填写工作簿的路径，例如 path: 住建_房屋.xlsx");
        var path = config.ResolvePath(PathOption);
        var sheet = config.Option(SheetOption) is { } s && s.Trim().Length > 0 ? s.Trim() : null;
        var headerRow = Auto(config, HeaderRowOption, 1, 10_000);
        var headerRows = Auto(config, HeaderRowsOption, 1, 2);
        var hidden = (config.Option(HiddenColumnsOption) ?? "skip").Trim().ToLowerInvariant() switch
        {
            "" or "skip" => false,
            "read" => true,
            var other => throw Invalid(config, HiddenColumnsOption, other, "可选值：skip（跳过）、read（读取）"),
        };
        var batch = Auto(config, BatchSizeOption, 1, MaxBatchSize) ?? DefaultBatchSize;
        return new ExcelOptions(config.SourceId, path, sheet, headerRow, headerRows, hidden, batch);
    }

    private static int? Auto(SourceConfig config, string name, int min, int max)
    {
        var raw = config.Option(name)?.Trim();
        if (string.IsNullOrEmpty(raw) || raw.Equals("auto", StringComparison.OrdinalIgnoreCase)) return null;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw Invalid(config, name, raw, $"填写 {min} 到 {max} 之间的整数" + (name == BatchSizeOption ? "" : "，或 auto"));
        return n;
    }

    private static ConnectorException Invalid(SourceConfig config, string option, string value, string fix) =>
        new(ConnectorFailure.Config, "EXCEL_OPTION_INVALID", $"数据源“{config.SourceId}”的连接器选项 {option} 的值“{value}”无效",
            where: $"数据源 {config.SourceId} 的 connector.{option}", fix: fix);
}
