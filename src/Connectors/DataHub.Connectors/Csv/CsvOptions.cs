using System.Globalization;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Csv;

/// <summary>
/// The CSV connector's options, validated as a whole before any file is opened (STYLE habit 3):
/// a bad option is a <see cref="ConnectorFailure.Config"/> failure naming the option.
/// </summary>
internal sealed record CsvOptions(string SourceId, string FilePath, CsvEncodingChoice Encoding, char Delimiter, int BatchSize)
{
    public const string PathOption = "path";
    public const string EncodingOption = "encoding";
    public const string DelimiterOption = "delimiter";
    public const string BatchSizeOption = "batch_size";

    public const int DefaultBatchSize = 5000;
    public const int MaxBatchSize = 1_000_000;

    /// <summary>Option name to its zh-CN description including the default, as <see cref="ConnectorSpec.Options"/> lists them.</summary>
    public static IReadOnlyList<ConnectorOption> Declared { get; } =
    [
        new(PathOption, "CSV 文件的路径；相对路径以数据源定义文件所在目录为起点", null, Required: true),
        new(EncodingOption, "文件编码：auto（自动识别 UTF-8、GBK/GB18030）、utf-8、gb18030、gbk。文件带 BOM 时以 BOM 为准", "auto", Required: false),
        new(DelimiterOption, "字段分隔符，一个字符；制表符写作 \\t 或 tab", ",", Required: false),
        new(BatchSizeOption, $"每批交给处理流程的记录数，1 到 {MaxBatchSize}", DefaultBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Required: false),
    ];

    /// <summary>Reads and validates the options; throws <see cref="ConnectorException"/> (Config) naming the bad option.</summary>
    public static CsvOptions From(SourceConfig config)
    {
        if (string.IsNullOrWhiteSpace(config.RequireOption(PathOption)))
            throw Invalid(config, PathOption, "", "填写 CSV 文件的路径，例如 path: data/人口.csv");
        var path = config.ResolvePath(PathOption);

        return new CsvOptions(config.SourceId, path, ParseEncoding(config), ParseDelimiter(config), ParseBatchSize(config));
    }

    private static CsvEncodingChoice ParseEncoding(SourceConfig config)
    {
        var raw = config.Option(EncodingOption);
        if (raw is null) return CsvEncodingChoice.Auto;
        return raw.Trim().ToLowerInvariant() switch
        {
            "" or "auto" => CsvEncodingChoice.Auto,
            "utf-8" or "utf8" => CsvEncodingChoice.Utf8,
            "gb18030" => CsvEncodingChoice.Gb18030,
            // GBK (code page 936) is a superset of GB2312, so files labelled GB2312 read as GBK.
            "gbk" or "gb2312" or "cp936" => CsvEncodingChoice.Gbk,
            _ => throw Invalid(config, EncodingOption, raw, "可选值：auto、utf-8、gb18030、gbk"),
        };
    }

    private static char ParseDelimiter(SourceConfig config)
    {
        var raw = config.Option(DelimiterOption);
        if (raw is null || raw.Length == 0) return ',';
        if (raw is "\\t" || raw.Equals("tab", StringComparison.OrdinalIgnoreCase)) return '\t';
        // A YAML "\t" arrives as a real tab, which Trim would remove: only trim other values.
        var value = raw == "\t" ? raw : raw.Trim();
        if (value.Length != 1 || value[0] is '"' or '\r' or '\n')
            throw Invalid(config, DelimiterOption, raw, "分隔符应为一个字符（不能是引号或换行），例如 , 或 ; 或 |，制表符写作 \\t");
        return value[0];
    }

    private static int ParseBatchSize(SourceConfig config)
    {
        var raw = config.Option(BatchSizeOption);
        if (raw is null || raw.Trim().Length == 0) return DefaultBatchSize;
        if (!int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > MaxBatchSize)
            throw Invalid(config, BatchSizeOption, raw, $"填写 1 到 {MaxBatchSize} 之间的整数，默认 {DefaultBatchSize}");
        return size;
    }

    private static ConnectorException Invalid(SourceConfig config, string option, string value, string fix) =>
        new(ConnectorFailure.Config, "CSV_OPTION_INVALID", $"数据源“{config.SourceId}”的连接器选项 {option} 的值“{value}”无效",
            where: $"数据源 {config.SourceId} 的 connector 配置", fix: fix);
}

/// <summary>The <c>encoding</c> option.</summary>
internal enum CsvEncodingChoice
{
    Auto,
    Utf8,
    Gb18030,
    Gbk,
}
