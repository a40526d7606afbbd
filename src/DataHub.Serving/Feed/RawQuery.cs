namespace DataHub.Serving.Feed;

/// <summary>One <c>name=value</c> pair of the query string: decoded for checks, raw (as sent) for nextLinks.</summary>
internal sealed record RawOption(string Name, string Value, string Raw);

/// <summary>
/// The request's query string split into options without reinterpreting it. nextLinks are rebuilt
/// from the raw pairs, so every option the client sent comes back exactly as it was encoded.
/// </summary>
internal sealed class RawQuery
{
    private RawQuery(IReadOnlyList<RawOption> options) => Options = options;

    public IReadOnlyList<RawOption> Options { get; }

    /// <summary>The decoded value of the first option called <paramref name="name"/>, or null.</summary>
    public string? Value(string name) => Options.FirstOrDefault(o => o.Name == name)?.Value;

    public bool Has(string name) => Options.Any(o => o.Name == name);

    /// <summary>Splits <see cref="Uri.Query"/> (with or without its leading '?').</summary>
    public static RawQuery Parse(string query)
    {
        var text = query.StartsWith('?') ? query[1..] : query;
        var options = new List<RawOption>();
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            options.Add(new RawOption(Decode(name), Decode(value), pair));
        }
        return new RawQuery(options);
    }

    private static string Decode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw FeedError.BadRequest("QUERY_INVALID", "查询字符串的百分号编码无效。");
        }
    }
}
