namespace DataHub.TestKit.OData;

/// <summary>
/// Thrown by <see cref="StrictODataClient"/> when a response breaks one of the rules Excel / Power Query
/// relies on (docs: shared/docs/EXCEL-ODATA.md). The message names the URL and what was wrong.
/// </summary>
public sealed class StrictODataException : Exception
{
    public StrictODataException(Uri? url, string problem, Exception? innerException = null)
        : base(url is null ? problem : $"{problem} [GET {url}]", innerException)
    {
        Url = url;
        Problem = problem;
    }

    /// <summary>The request URL whose response was wrong (null for checks not tied to one request).</summary>
    public Uri? Url { get; }

    /// <summary>What was wrong, without the URL.</summary>
    public string Problem { get; }
}
