namespace DataHub.TestKit.OData;

/// <summary>The request headers Power Query's <c>OData.Feed</c> sends, byte for byte.</summary>
public static class PowerQueryHeaders
{
    public const string UserAgent = "Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)";
    public const string ODataMaxVersion = "4.0";
    public const string MaxDataServiceVersion = "3.0";
    public const string AcceptEncoding = "gzip, deflate";
    public const string Accept =
        "application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9," +
        "application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7";
}
