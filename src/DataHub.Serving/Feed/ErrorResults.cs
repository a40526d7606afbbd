using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace DataHub.Serving.Feed;

/// <summary>OData error answers: <c>{"error":{"code":"...","message":"...","target":"..."}}</c>, zh-CN messages, Chinese written unescaped.</summary>
internal static class ErrorResults
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static FeedResult Create(FeedError error, OutcomeState outcome)
    {
        outcome.ErrorCode = error.Code;
        var headers = ResponseHeaders.For(ResponseHeaders.Json);
        if (error.RetryAfterSeconds is { } seconds) headers.Add(new("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new FeedResult(error.Status, headers, new BytesBody(Body(error)), outcome);
    }

    public static byte[] Body(FeedError error)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("code", error.Code);
            json.WriteString("message", error.UserMessage);
            if (error.Target is not null) json.WriteString("target", error.Target);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
