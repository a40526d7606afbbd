using System.Globalization;

namespace DataHub.Serving;

/// <summary>
/// Where a request's time went before its body was sent, in milliseconds (0 for stages it did not
/// reach). The host adds its own stages (authentication, audit) around it.
/// </summary>
public sealed class FeedTimings
{
    /// <summary>Catalog lookup (the in-memory snapshot), skiptoken, scope and the cached model.</summary>
    public double Model { get; set; }

    /// <summary>Parsing the options and translating them to SQL.</summary>
    public double Plan { get; set; }

    /// <summary>Waiting for a query worker.</summary>
    public double Queue { get; set; }

    /// <summary>DuckDB executing the count, the scope window and the page query.</summary>
    public double Execute { get; set; }

    /// <summary>Reading the rows and writing the JSON page.</summary>
    public double Write { get; set; }

    /// <summary>The value of a <c>Server-Timing</c> header.</summary>
    public string ToServerTiming() => string.Create(CultureInfo.InvariantCulture,
        $"model;dur={Model:0.###}, plan;dur={Plan:0.###}, queue;dur={Queue:0.###}, sql;dur={Execute:0.###}, write;dur={Write:0.###}");
}
