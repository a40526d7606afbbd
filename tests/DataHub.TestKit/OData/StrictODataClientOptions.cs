namespace DataHub.TestKit.OData;

/// <summary>Options of <see cref="StrictODataClient"/>.</summary>
public sealed class StrictODataClientOptions
{
    /// <summary>Basic credentials (user name, e.g. an account; password, e.g. an API key). Null: anonymous.</summary>
    public string? UserName { get; init; }

    /// <summary>Password for Basic; used only when <see cref="UserName"/> is set.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// When set, every response whose (decompressed) body is larger than this many bytes must have come
    /// with <c>Content-Encoding: gzip</c> (or <c>deflate</c>, which Power Query also offers).
    /// The HttpClient's handler must not decompress automatically (the default for <c>new HttpClient()</c>
    /// and for TestServer clients), or the client cannot see the encoding.
    /// </summary>
    public long? RequireCompressionAboveBytes { get; init; }

    /// <summary>
    /// When set, feed requests carry <c>Prefer: odata.maxpagesize=N</c> and every page must answer
    /// <c>Preference-Applied: odata.maxpagesize=N</c> and hold at most N rows. Power Query does not send
    /// this by default; it is for testing the server's paging.
    /// </summary>
    public int? PreferMaxPageSize { get; init; }
}
