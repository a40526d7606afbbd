using System.Buffers;
using System.Text;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Csv;

/// <summary>
/// Finds the encoding of a CSV file. A byte-order mark decides (UTF-8, UTF-16LE/BE). Otherwise the
/// first <see cref="SampleSize"/> bytes must be strict UTF-8, or else strict GB18030 (which also
/// reads GBK and GB2312); NUL bytes, or bytes neither decodes, fail with <c>CSV_ENCODING</c>. A
/// sample that is mostly UTF-8 Chinese with a few invalid bytes fails too, naming the line, rather
/// than being read as GB18030 (which would accept it as mojibake).
/// Department exports from Excel on Chinese Windows are GBK ("CSV (逗号分隔)") or UTF-8 with a BOM
/// ("CSV UTF-8").
/// </summary>
public static class CsvEncodingDetector
{
    /// <summary>How much of the file the detection looks at. Later bytes are checked while reading.</summary>
    public const int SampleSize = 1 << 20;

    internal const string EncodingFix = "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或在数据源文件中指定 encoding";

    /// <summary>
    /// The encoding of the file at <paramref name="path"/> as a lower-case name
    /// (<c>utf-8</c>, <c>gb18030</c>, <c>utf-16le</c>, <c>utf-16be</c>), for run reports.
    /// </summary>
    /// <exception cref="ConnectorException">The file is missing or unreadable (Config) or is not text in a supported encoding (Data, <c>CSV_ENCODING</c>).</exception>
    public static string Detect(string path)
    {
        var fullPath = Path.GetFullPath(path);
        using var stream = CsvFile.OpenStream(fullPath);
        var buffer = ArrayPool<byte>.Shared.Rent(SampleSize);
        try
        {
            var length = ReadSample(stream, buffer, fullPath);
            var complete = length < SampleSize || stream.ReadByte() < 0;
            return Detect(buffer.AsSpan(0, length), complete, CsvEncodingChoice.Auto, fullPath).Name;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from the stream as far as it goes; returns the byte count.</summary>
    internal static int ReadSample(Stream stream, byte[] buffer, string where)
    {
        var length = 0;
        while (length < SampleSize)
        {
            var n = CsvFile.ReadBytes(stream, buffer, length, SampleSize - length, where);
            if (n == 0) break;
            length += n;
        }
        return length;
    }

    /// <summary>
    /// Decides the encoding from the start of a file. <paramref name="complete"/> says the sample is
    /// the whole file (so a multibyte sequence cut at its end is an error, not a sampling artefact).
    /// </summary>
    internal static CsvTextEncoding Detect(ReadOnlySpan<byte> sample, bool complete, CsvEncodingChoice choice, string where)
    {
        // A byte-order mark is unambiguous and wins over the option: decoding a BOM file as GBK only yields garbage.
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return CsvTextEncoding.Utf8(bom: true);
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return CsvTextEncoding.Utf16(bigEndian: false);
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return CsvTextEncoding.Utf16(bigEndian: true);

        switch (choice)
        {
            case CsvEncodingChoice.Utf8: return CsvTextEncoding.Utf8(bom: false);
            case CsvEncodingChoice.Gb18030: return CsvTextEncoding.Gb18030();
            case CsvEncodingChoice.Gbk: return CsvTextEncoding.Gbk();
        }

        // No text encoding we accept puts NUL bytes in a CSV; they mean UTF-16 without a BOM or a binary file.
        if (sample.Contains((byte)0))
        {
            throw new ConnectorException(ConnectorFailure.Data, "CSV_ENCODING",
                "文件不是 UTF-8 或 GBK/GB18030 编码的文本：其中含有空字节，可能是没有 BOM 的 UTF-16 文件、Excel 工作簿（.xlsx）或其他二进制文件",
                where, EncodingFix);
        }

        var (valid, invalid, firstInvalid, cutTail) = Utf8Census(sample, complete);
        if (invalid == 0) return CsvTextEncoding.Utf8(bom: false);
        if (invalid == 1 && cutTail) throw Truncated(where, LineOf(sample, firstInvalid), null);

        // Mostly UTF-8 with some broken bytes: typically lines pasted in from a GBK file. Do not
        // try GB18030 then: it accepts almost any byte pairs (every two-character UTF-8 word is three
        // valid GB18030 characters) and would turn the whole file into mojibake without a word.
        if (valid > invalid)
        {
            var line = LineOf(sample, firstInvalid);
            throw new ConnectorException(ConnectorFailure.Data, "CSV_ENCODING",
                $"文件是 UTF-8 编码，但第{line}行含有不是 UTF-8 的字节（多半混入了 GBK 编码的内容），无法按 UTF-8 或 GBK/GB18030 正确读取",
                $"{where} 第{line}行", EncodingFix);
        }

        var gb = CsvTextEncoding.Gb18030();
        if (DecodesCleanly(gb.Encoding, sample, complete)) return gb;
        // GB18030 text whose last character lost its second (or third and fourth) byte: a cut file.
        for (var k = 1; complete && k <= 3 && k < sample.Length; k++)
        {
            if (DecodesCleanly(gb.Encoding, sample[..^k], complete: true)) throw Truncated(where, LineOf(sample, sample.Length - k), null);
        }

        var at = LineOf(sample, firstInvalid);
        throw new ConnectorException(ConnectorFailure.Data, "CSV_ENCODING",
            $"文件不是 UTF-8 或 GBK/GB18030 编码的文本，无法识别其编码（按 UTF-8 读取时第{at}行首先出现无法识别的字节）",
            $"{where} 第{at}行", EncodingFix);
    }

    /// <summary>
    /// Counts the valid UTF-8 characters of three or four bytes (Chinese text in UTF-8), the invalid
    /// sequences, and where the first invalid one is. Two-byte characters are not counted as
    /// evidence: GBK text forms them by accident (女 is C5 AE in GBK, which is Ů in UTF-8).
    /// </summary>
    /// <summary>
    /// A file whose last bytes are the start of a multibyte character: the copy was cut off (an
    /// interrupted download or disk full), so rows are missing. Re-saving in another encoding would not help.
    /// </summary>
    internal static ConnectorException Truncated(string where, long line, Exception? inner) =>
        new(ConnectorFailure.Data, "CSV_TRUNCATED",
            $"文件在第{line}行的一个汉字中间被截断：最后几个字节不是完整的字符，文件不完整，后面的数据已丢失",
            $"{where} 第{line}行（文件末尾）",
            "请重新从部门系统导出或重新复制完整的文件（检查下载或拷贝是否中断、磁盘是否已满），再运行", inner);

    private static (int Valid, int Invalid, int FirstInvalid, bool CutTail) Utf8Census(ReadOnlySpan<byte> sample, bool complete)
    {
        int valid = 0, invalid = 0, firstInvalid = -1, i = 0;
        var cutTail = false;
        while (true)
        {
            var next = sample[i..].IndexOfAnyExceptInRange((byte)0x00, (byte)0x7F);
            if (next < 0) break;
            i += next;
            var status = Rune.DecodeFromUtf8(sample[i..], out _, out var consumed);
            if (status == OperationStatus.Done)
            {
                if (consumed >= 3) valid++;
            }
            else if (status == OperationStatus.NeedMoreData && !complete)
            {
                break; // cut by the end of the sample, not by the file
            }
            else
            {
                invalid++;
                if (firstInvalid < 0) firstInvalid = i;
                if (status == OperationStatus.NeedMoreData && i + consumed == sample.Length) cutTail = true;
            }
            i += consumed;
        }
        return (valid, invalid, firstInvalid, cutTail);
    }

    /// <summary>The 1-based physical line of a byte offset (LF, or CR in files that use CR alone).</summary>
    private static long LineOf(ReadOnlySpan<byte> sample, int offset)
    {
        var prefix = sample[..Math.Max(offset, 0)];
        var newlines = prefix.Count((byte)'\n');
        return 1 + (newlines > 0 ? newlines : prefix.Count((byte)'\r'));
    }

    private static bool DecodesCleanly(Encoding encoding, ReadOnlySpan<byte> sample, bool complete)
    {
        try
        {
            // flush = complete: a sequence cut by the end of the sample is not an error, one cut by the end of the file is.
            encoding.GetDecoder().GetCharCount(sample, flush: complete);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
