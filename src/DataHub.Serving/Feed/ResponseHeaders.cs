using Microsoft.OData;

namespace DataHub.Serving.Feed;

/// <summary>The response headers and the writer settings that produce bodies matching them.</summary>
internal static class ResponseHeaders
{
    /// <summary>What Microsoft.OData writes for minimal-metadata JSON: Int64 and Decimal as numbers (IEEE754Compatible=false).</summary>
    public const string Json = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    public const string Xml = "application/xml;charset=utf-8";

    public const string Text = "text/plain;charset=utf-8";

    public static List<KeyValuePair<string, string>> For(string contentType) =>
    [
        new("OData-Version", "4.0"),
        new("Content-Type", contentType),
    ];

    public static ODataMessageWriterSettings WriterSettings(Uri serviceRoot, ODataUri? odataUri = null)
    {
        var settings = new ODataMessageWriterSettings
        {
            Version = ODataVersion.V4,
            BaseUri = serviceRoot,
            ODataUri = odataUri ?? new ODataUri { ServiceRoot = serviceRoot },
            EnableMessageStreamDisposal = false,
        };
        settings.SetContentType(ODataFormat.Json);
        return settings;
    }
}
