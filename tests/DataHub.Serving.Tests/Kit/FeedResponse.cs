using System.Text;
using System.Text.Json;

namespace DataHub.Serving.Tests.Kit;

/// <summary>A response as a client receives it.</summary>
public sealed record FeedResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] BodyBytes, FeedOutcome Outcome)
{
    public string Body => Encoding.UTF8.GetString(BodyBytes);

    public string? Header(string name) => Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public JsonElement Json()
    {
        using var doc = JsonDocument.Parse(BodyBytes);
        return doc.RootElement.Clone();
    }

    /// <summary>The rows of a feed page.</summary>
    public IReadOnlyList<JsonElement> Rows() => Json().GetProperty("value").EnumerateArray().ToArray();

    public long? Count() => Json().TryGetProperty("@odata.count", out var c) ? c.GetInt64() : null;

    public string? NextLink() => Json().TryGetProperty("@odata.nextLink", out var n) ? n.GetString() : null;

    public string ErrorCode() => Json().GetProperty("error").GetProperty("code").GetString()!;

    public string ErrorMessage() => Json().GetProperty("error").GetProperty("message").GetString()!;
}
