using System.Security.Cryptography;
using System.Text;

namespace DataHub.Connectors.Csv;

/// <summary>
/// A <see cref="TextReader"/> over a file that decodes strictly, hashes the raw bytes as they pass
/// and reports an invalid byte only when the reader reaches it, so the parser can name its line.
/// </summary>
/// <remarks>
/// Bytes are decoded in segments that end on a character boundary, each with the stateless
/// <see cref="Encoding.GetChars(byte[], int, int, char[], int)"/>. That keeps the fast path simple and
/// lets a failing segment be decoded again byte by byte to find the exact bad byte: everything
/// before it is handed out, then the next read throws <see cref="CsvDecodingException"/>.
/// A segment boundary is found without decoding: in UTF-8, GBK and GB18030 a byte below 0x30
/// (controls, space, punctuation such as , " and newlines) is always a whole character, never part
/// of a multibyte sequence (GB18030's four-byte form uses 0x30-0x39 in its second and fourth bytes).
/// </remarks>
internal sealed class StrictDecodingReader : TextReader
{
    // Beyond this, a run of bytes with no boundary is not CSV text (every line ends in one).
    private const int MaxSegmentBytes = 64 << 20;

    private readonly Stream _stream;
    private readonly CsvTextEncoding _encoding;
    private readonly string _where;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _bytes;
    private int _bytesStart;
    private int _bytesEnd;
    private long _bytesOffset; // file offset of _bytes[0]
    private bool _streamEnded;
    private char[] _chars;
    private int _charsStart;
    private int _charsEnd;
    private long _charsOffset = -1; // file offset of the segment in _chars (for error offsets)
    private long _badByteOffset = -1;
    private bool _truncatedTail;

    /// <param name="sample">The first bytes of the file, already read for detection; the reader takes the array over.</param>
    public StrictDecodingReader(Stream stream, CsvTextEncoding encoding, byte[] sample, int sampleLength, bool streamEnded, string where)
    {
        _stream = stream;
        _encoding = encoding;
        _where = where;
        _bytes = sample;
        _hash.AppendData(sample, 0, sampleLength);
        BytesRead = sampleLength;
        _bytesStart = Math.Min(encoding.BomLength, sampleLength);
        _bytesEnd = sampleLength;
        _streamEnded = streamEnded;
        _chars = new char[sample.Length];
    }

    public CsvTextEncoding Encoding => _encoding;

    /// <summary>Raw bytes read so far, the byte-order mark included.</summary>
    public long BytesRead { get; private set; }

    /// <summary>SHA-256 of every raw byte read; the whole file once <see cref="Read(Span{char})"/> has returned 0.</summary>
    public byte[] GetHash() => _hash.GetCurrentHash();

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (_charsStart == _charsEnd)
        {
            if (_badByteOffset >= 0) throw new CsvDecodingException(_badByteOffset, _truncatedTail);
            if (!DecodeNextSegment()) return 0;
        }
        var n = Math.Min(buffer.Length, _charsEnd - _charsStart);
        _chars.AsSpan(_charsStart, n).CopyTo(buffer);
        _charsStart += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            _stream.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Decodes the next segment into <see cref="_chars"/>; false at the end of the file.</summary>
    private bool DecodeNextSegment()
    {
        while (true)
        {
            var available = _bytes.AsSpan(_bytesStart, _bytesEnd - _bytesStart);
            var cut = _streamEnded ? available.Length : SegmentEnd(available);
            if (cut > 0)
            {
                Decode(_bytesStart, cut, flush: _streamEnded && cut == available.Length);
                _bytesStart += cut;
                return true;
            }
            if (_streamEnded) return false;
            ReadMoreBytes();
        }
    }

    /// <summary>Length of the longest prefix of <paramref name="bytes"/> that ends on a character boundary; 0 if none is known yet.</summary>
    private int SegmentEnd(ReadOnlySpan<byte> bytes)
    {
        if (_encoding.UnitSize == 2)
        {
            var even = bytes.Length & ~1;
            if (even == 0) return 0;
            // Do not split a surrogate pair: back off when the last code unit is a high surrogate.
            var last = _encoding.BigEndian
                ? (bytes[even - 2] << 8) | bytes[even - 1]
                : (bytes[even - 1] << 8) | bytes[even - 2];
            return last is >= 0xD800 and <= 0xDBFF ? even - 2 : even;
        }
        return bytes.LastIndexOfAnyInRange((byte)0x00, (byte)0x2F) + 1;
    }

    private void ReadMoreBytes()
    {
        // Keep the undecoded tail, then fill the rest of the buffer (growing it only for a tail with no boundary).
        var tail = _bytesEnd - _bytesStart;
        if (_bytesStart > 0)
        {
            Buffer.BlockCopy(_bytes, _bytesStart, _bytes, 0, tail);
            _bytesOffset += _bytesStart;
            _bytesStart = 0;
            _bytesEnd = tail;
        }
        if (_bytesEnd == _bytes.Length)
        {
            if (_bytes.Length >= MaxSegmentBytes)
            {
                // Not text in any line-based sense: fail like an undecodable byte at the start of the run.
                _badByteOffset = _bytesOffset;
                _streamEnded = true;
                _bytesEnd = 0;
                throw new CsvDecodingException(_badByteOffset);
            }
            Array.Resize(ref _bytes, _bytes.Length * 2);
            _chars = new char[_bytes.Length];
        }
        var n = CsvFile.ReadBytes(_stream, _bytes, _bytesEnd, _bytes.Length - _bytesEnd, _where);
        if (n == 0)
        {
            _streamEnded = true;
            return;
        }
        _hash.AppendData(_bytes, _bytesEnd, n);
        BytesRead += n;
        _bytesEnd += n;
    }

    private void Decode(int start, int count, bool flush)
    {
        _charsStart = 0;
        _charsOffset = _bytesOffset + start;
        try
        {
            _charsEnd = _encoding.Encoding.GetChars(_bytes, start, count, _chars, 0);
        }
        catch (DecoderFallbackException)
        {
            LocateBadByte(start, count, flush);
        }

        // NUL is valid in every encoding but never in a CSV text: treat it like an undecodable byte.
        var nul = _chars.AsSpan(0, _charsEnd).IndexOf('\0');
        if (nul >= 0)
        {
            var offset = _charsOffset + _encoding.Encoding.GetByteCount(_chars, 0, nul);
            _charsEnd = nul;
            if (_badByteOffset < 0 || offset < _badByteOffset) _badByteOffset = offset;
        }
    }

    /// <summary>Slow path, only for a segment that failed: hand out the valid prefix and remember the bad byte's offset.</summary>
    private void LocateBadByte(int start, int count, bool flush)
    {
        var decoder = _encoding.Encoding.GetDecoder();
        var produced = 0;
        var bad = start + count - 1;
        for (var i = start; i < start + count; i++)
        {
            try
            {
                produced += decoder.GetChars(_bytes, i, 1, _chars, produced, flush: false);
            }
            catch (DecoderFallbackException)
            {
                bad = i;
                break;
            }
            if (!flush || i != start + count - 1) continue;
            try
            {
                produced += decoder.GetChars([], 0, 0, _chars, produced, flush: true);
            }
            catch (DecoderFallbackException)
            {
                // Every byte was accepted as part of a character, but the file ended inside it: a cut copy.
                _truncatedTail = true;
            }
        }
        // The decoder may hold the first bytes of the broken sequence: they are not handed out.
        _charsEnd = produced;
        _badByteOffset = _bytesOffset + bad;
    }
}

/// <summary>The reader reached bytes that are not valid in the file's encoding (or a NUL).</summary>
internal sealed class CsvDecodingException(long byteOffset, bool truncatedTail = false) : Exception($"Invalid byte at offset {byteOffset}")
{
    public long ByteOffset { get; } = byteOffset;

    /// <summary>The file ended inside a multibyte character whose bytes were valid so far: the copy was cut off.</summary>
    public bool TruncatedTail { get; } = truncatedTail;
}
