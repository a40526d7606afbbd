using System.Text;

namespace DataHub.Connectors.Csv;

/// <summary>
/// An encoding a CSV file can be read in. Every <see cref="Encoding"/> here throws on invalid bytes:
/// a wrong byte must fail the read with its line number, never become a silent U+FFFD.
/// </summary>
internal sealed class CsvTextEncoding
{
    // GBK and GB18030 live in the code-pages provider, which .NET Core does not register by default.
    // Registration is process-wide and idempotent.
    static CsvTextEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private CsvTextEncoding(string name, string displayName, Encoding encoding, int bomLength, int unitSize)
    {
        Name = name;
        DisplayName = displayName;
        Encoding = encoding;
        BomLength = bomLength;
        UnitSize = unitSize;
    }

    /// <summary>A stable lower-case name for run reports and state: utf-8, gb18030, gbk, utf-16le, utf-16be.</summary>
    public string Name { get; }

    /// <summary>The name shown to users, e.g. "UTF-8（带 BOM）".</summary>
    public string DisplayName { get; }

    public Encoding Encoding { get; }

    /// <summary>Bytes of the byte-order mark at the start of the file (0 if none).</summary>
    public int BomLength { get; }

    public bool BigEndian => Name == "utf-16be";

    /// <summary>2 for UTF-16 (cut byte chunks on code units), 1 for the byte-oriented encodings.</summary>
    public int UnitSize { get; }

    public static CsvTextEncoding Utf8(bool bom) =>
        new("utf-8", bom ? "UTF-8（带 BOM）" : "UTF-8", new UTF8Encoding(false, throwOnInvalidBytes: true), bom ? 3 : 0, 1);

    /// <summary>GB18030 (code page 54936): a superset of GBK and GB2312, used for auto-detected Chinese files.</summary>
    public static CsvTextEncoding Gb18030() => new("gb18030", "GB18030", Strict(54936), 0, 1);

    /// <summary>GBK (code page 936), only when the source names it.</summary>
    public static CsvTextEncoding Gbk() => new("gbk", "GBK", Strict(936), 0, 1);

    public static CsvTextEncoding Utf16(bool bigEndian) => bigEndian
        ? new("utf-16be", "UTF-16BE（带 BOM）", new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2, 2)
        : new("utf-16le", "UTF-16LE（带 BOM）", new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2, 2);

    private static Encoding Strict(int codePage) =>
        Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
}
