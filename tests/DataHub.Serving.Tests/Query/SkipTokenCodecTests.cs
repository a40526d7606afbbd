using DataHub.Serving.Query;
using Xunit;

namespace DataHub.Serving.Tests.Query;

public sealed class SkipTokenCodecTests
{
    private static readonly SkipTokenCodec Codec = new("secret-one-0123456789abcdef0123456789");

    [Fact]
    public void Decode_EncodedToken_RoundTripsEveryValueType()
    {
        object?[] values =
        [
            "社区", null, 42, 9_000_000_000L, 12.345m, 0.1 + 0.2, true, new DateOnly(2001, 2, 3),
            new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560),
        ];
        var token = new SkipToken(7, 15000, values, "fp");

        var decoded = Codec.Decode(Codec.Encode(token), "fp");

        Assert.Equal(7, decoded.Version);
        Assert.Equal(15000, decoded.Returned);
        Assert.Equal("fp", decoded.Fingerprint);
        Assert.Equal(values, decoded.Values);
        Assert.Equal(values.Select(v => v?.GetType()), decoded.Values.Select(v => v?.GetType()));
    }

    [Fact]
    public void Decode_TamperedToken_Invalid()
    {
        var text = Codec.Encode(new SkipToken(1, 10, ["320113001001", "abc"], "fp"));
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(text);
        bytes[10] ^= 1;
        var error = Assert.Throws<FeedError>(() => Codec.Decode(System.Buffers.Text.Base64Url.EncodeToString(bytes), "fp"));
        Assert.Equal("SKIPTOKEN_INVALID", error.Code);
    }

    [Fact]
    public void Decode_TokenOfAnotherSecret_Invalid()
    {
        var other = new SkipTokenCodec("secret-two-0123456789abcdef0123456789");
        var text = other.Encode(new SkipToken(1, 10, ["a"], "fp"));
        Assert.Throws<FeedError>(() => Codec.Decode(text, "fp"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("AAAA")]
    public void Decode_Garbage_Invalid(string text)
    {
        Assert.Equal(400, Assert.Throws<FeedError>(() => Codec.Decode(text, "fp")).Status);
    }

    [Fact]
    public void Encode_SortValues_NotReadableInTheToken()
    {
        var text = Codec.Encode(new SkipToken(3, 10, ["张三丰", "320113199001011234"], "fp"));
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(text);
        var asText = System.Text.Encoding.UTF8.GetString(bytes);

        Assert.DoesNotContain("320113199001011234", asText, StringComparison.Ordinal);
        Assert.DoesNotContain("张三丰", asText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"k\"", asText, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_SameToken_DifferentTextEachTime()
    {
        var token = new SkipToken(3, 10, ["320113001001", "abc"], "fp");
        Assert.NotEqual(Codec.Encode(token), Codec.Encode(token));
    }

    [Fact]
    public void Decode_TokenOfAnotherQuery_Invalid()
    {
        var text = Codec.Encode(new SkipToken(1, 10, ["a"], "fingerprint-of-query-1"));
        var error = Assert.Throws<FeedError>(() => Codec.Decode(text, "fingerprint-of-query-2"));
        Assert.Equal("SKIPTOKEN_INVALID", error.Code);
        Assert.Equal(1, Codec.Decode(text, "fingerprint-of-query-1").Version);
    }
}
