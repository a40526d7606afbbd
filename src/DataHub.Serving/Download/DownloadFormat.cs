namespace DataHub.Serving.Download;

/// <summary>A file format a feed query can be downloaded as, chosen with <c>$format</c>.</summary>
/// <param name="Name">The <c>$format</c> value: csv, xlsx, parquet or arrow.</param>
/// <param name="Gbk">CSV only: GBK instead of UTF-8 with BOM (<c>$format=csv;charset=gbk</c>), for old Excel versions and WPS.</param>
internal sealed record DownloadFormat(string Name, string ContentType, string Extension, bool Gbk = false)
{
    public static readonly DownloadFormat Csv = new("csv", "text/csv;charset=utf-8", ".csv");
    public static readonly DownloadFormat CsvGbk = new("csv", "text/csv;charset=gbk", ".csv", Gbk: true);
    public static readonly DownloadFormat Xlsx = new("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx");
    public static readonly DownloadFormat Parquet = new("parquet", "application/vnd.apache.parquet", ".parquet");
    public static readonly DownloadFormat Arrow = new("arrow", "application/vnd.apache.arrow.stream", ".arrows");

    /// <summary>The formats named in error messages and docs.</summary>
    public const string Supported = "csv、csv;charset=gbk、xlsx、parquet、arrow";

    /// <summary>The download format a <c>$format</c> value asks for, or null when it asks for none (JSON, or something unknown).</summary>
    public static DownloadFormat? Parse(string? format)
    {
        if (format is null) return null;
        var parts = format.Trim().ToLowerInvariant().Split(';', StringSplitOptions.TrimEntries);
        var gbk = parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "charset=gbk" or "charset=gb18030");
        return parts[0] switch
        {
            "csv" or "text/csv" => gbk ? CsvGbk : Csv,
            "xlsx" or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Xlsx,
            "parquet" or "application/vnd.apache.parquet" => Parquet,
            "arrow" or "application/vnd.apache.arrow.stream" => Arrow,
            _ => null,
        };
    }
}
