using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.OData;
using Microsoft.OData.Edm;

namespace DataHub.TestKit.OData;

/// <summary>
/// An OData v4 client that requests like Excel / Power Query's <c>OData.Feed</c> (same headers, one page at
/// a time) and reads strictly with Microsoft.OData.Core, failing with a <see cref="StrictODataException"/>
/// on anything that breaks the rules in shared/docs/EXCEL-ODATA.md.
/// </summary>
/// <remarks>
/// Pass an <see cref="HttpClient"/> whose handler does not decompress automatically (the default of
/// <c>new HttpClient()</c> and of TestServer clients): the client sends <c>Accept-Encoding: gzip, deflate</c>
/// and decompresses itself, so it can see and check the encoding.
/// </remarks>
public sealed partial class StrictODataClient
{
    private const int BodySnippetLength = 600;

    private readonly HttpClient _http;
    private readonly StrictODataClientOptions _options;

    public StrictODataClient(HttpClient http, StrictODataClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new StrictODataClientOptions();
        if (_options.UserName is null && _options.Password is not null)
        {
            throw new ArgumentException("Password without UserName", nameof(options));
        }

        if (_options.PreferMaxPageSize is <= 0)
        {
            throw new ArgumentException("PreferMaxPageSize must be positive", nameof(options));
        }
    }

    /// <summary>Anonymous client with Basic credentials.</summary>
    public StrictODataClient(HttpClient http, string userName, string password)
        : this(http, new StrictODataClientOptions { UserName = userName, Password = password })
    {
    }

    public StrictODataClientOptions Options => _options;

    // ---------------------------------------------------------------- service document

    /// <summary>
    /// GETs the service root like Power Query's first request: 200, JSON, exactly one <c>OData-Version: 4.0</c>,
    /// <c>@odata.context</c> equal to <c>{root}$metadata</c>; returns the entries.
    /// </summary>
    public async Task<ServiceDocument> GetServiceDocumentAsync(Uri serviceRoot, CancellationToken cancellationToken = default)
    {
        var root = NormalizeRoot(serviceRoot);
        var response = await FetchAsync(root, extraHeaders: null, cancellationToken);
        response.AssertStatus(HttpStatusCode.OK);
        response.AssertODataVersion(required: true);
        response.AssertJson();

        var expectedContext = root.AbsoluteUri + "$metadata";
        using var json = response.ParseJson();
        var top = json.RootElement;
        if (top.ValueKind != JsonValueKind.Object)
        {
            throw response.Fail("service document is not a JSON object");
        }

        if (!top.TryGetProperty("@odata.context", out var contextElement) || contextElement.ValueKind != JsonValueKind.String)
        {
            throw response.Fail("service document has no @odata.context string");
        }

        var context = contextElement.GetString()!;
        if (!SameUrlText(context, expectedContext))
        {
            throw response.Fail($"service document @odata.context is '{context}', expected '{expectedContext}'");
        }

        if (!top.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw response.Fail("service document has no 'value' array");
        }

        var entries = new List<ServiceDocumentEntry>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
            {
                throw response.Fail($"service document entry {item.GetRawText()} lacks string 'name' and 'url'");
            }

            var kind = item.TryGetProperty("kind", out var k) ? k.GetString() ?? "EntitySet" : "EntitySet";
            if (!Uri.TryCreate(root, url.GetString(), out var absolute))
            {
                throw response.Fail($"service document entry {name.GetString()} has an invalid url '{url.GetString()}'");
            }

            entries.Add(new ServiceDocumentEntry(name.GetString()!, url.GetString()!, absolute, kind));
        }

        var duplicates = entries.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw response.Fail($"service document names differ only by case or repeat: {string.Join(", ", duplicates)}");
        }

        // The strict reader as well (Power Query's newer connector is built on the same library). $metadata
        // is not known yet (Power Query reads it next): an empty user model serves for the context URL.
        try
        {
            using var reader = new ODataMessageReader((IODataResponseMessageAsync)response.ToODataMessage(), ReaderSettings(root), new EdmModel());
            _ = await reader.ReadServiceDocumentAsync();
        }
        catch (ODataException e)
        {
            throw response.Fail($"ODataMessageReader rejected the service document: {e.Message}", e);
        }

        return new ServiceDocument(root, context, entries);
    }

    // ---------------------------------------------------------------- $metadata

    /// <summary>
    /// GETs <c>{root}$metadata</c> with Power Query's Accept header: 200, <c>application/xml</c>,
    /// <c>Edmx Version="4.0"</c>, parsed by CsdlReader, validated and checked by <see cref="ODataModelRules"/>.
    /// </summary>
    public async Task<IEdmModel> GetMetadataAsync(Uri serviceRoot, CancellationToken cancellationToken = default)
    {
        var root = NormalizeRoot(serviceRoot);
        var url = new Uri(root.AbsoluteUri + "$metadata");
        var response = await FetchAsync(url, extraHeaders: null, cancellationToken);
        response.AssertStatus(HttpStatusCode.OK);
        response.AssertODataVersion(required: false);
        var mediaType = response.MediaType;
        if (!string.Equals(mediaType, "application/xml", StringComparison.OrdinalIgnoreCase))
        {
            throw response.Fail($"$metadata Content-Type is '{response.ContentType}', expected application/xml (Excel: \"metadata appears to be invalid\")");
        }

        response.AssertUtf8Charset();
        return ODataModelRules.ParseMetadata(response.Text, url);
    }

    // ---------------------------------------------------------------- feeds

    /// <summary>
    /// Reads <paramref name="url"/> (<c>{root}{EntitySet}</c> with any query options) like Power Query: every
    /// page strictly with ODataMessageReader, following <c>@odata.nextLink</c> one at a time.
    /// </summary>
    public async Task<FeedReadResult> ReadFeedAsync(Uri url, IEdmModel model, CancellationToken cancellationToken = default, int maxPages = 10_000)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new StrictODataException(url, "the feed URL must be an absolute http(s) URL");
        }

        var path = url.AbsolutePath;
        var lastSlash = path.LastIndexOf('/');
        if (lastSlash < 0 || lastSlash == path.Length - 1)
        {
            throw new StrictODataException(url, "the feed URL must be {serviceRoot}{EntitySet}");
        }

        var setName = Uri.UnescapeDataString(path[(lastSlash + 1)..]);
        var root = new Uri(url, "./");
        var entitySet = model.EntityContainer?.FindEntitySet(setName)
            ?? throw new StrictODataException(url, $"the model has no entity set '{setName}'");
        var entityType = entitySet.EntityType;
        var keyNames = entityType.Key().Select(p => p.Name).ToList();

        var originalQuery = QueryHelpers.ParseQuery(url.Query);
        // $apply (groupby/aggregate) answers its own properties: the grouped ones and the aliases,
        // listed in the context URL like a $select list; aliases are dynamic properties.
        var applyProperties = AppliedProperties(url, originalQuery, model, entitySet);
        var selected = applyProperties ?? SelectedProperties(url, originalQuery, entityType);
        var expectedProperties = selected ?? entityType.StructuralProperties().Select(p => p.Name).ToList();
        var checkKeys = keyNames.All(expectedProperties.Contains);
        var hasTopOrSkip = originalQuery.ContainsKey("$top") || originalQuery.ContainsKey("$skip");
        var countRequested = originalQuery.TryGetValue("$count", out var countOption)
            && string.Equals(countOption.ToString(), "true", StringComparison.OrdinalIgnoreCase);

        var extraHeaders = _options.PreferMaxPageSize is { } maxPageSize
            ? new[] { new KeyValuePair<string, string>("Prefer", $"odata.maxpagesize={maxPageSize}") }
            : null;

        var rows = new List<IReadOnlyDictionary<string, object?>>();
        var pageUrls = new List<Uri>();
        var pageRowCounts = new List<int>();
        var encodings = new List<string?>();
        var seenKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        long? firstCount = null;
        Uri? pageUrl = url;

        while (pageUrl is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pageUrls.Count >= maxPages)
            {
                throw new StrictODataException(pageUrl, $"more than {maxPages} pages: stopped following nextLinks (a loop?)");
            }

            if (!visited.Add(pageUrl.AbsoluteUri))
            {
                throw new StrictODataException(pageUrl, "nextLink points to a page already read (paging loop)");
            }

            var pageNumber = pageUrls.Count + 1;
            pageUrls.Add(pageUrl);
            var response = await FetchAsync(pageUrl, extraHeaders, cancellationToken);
            encodings.Add(response.ContentEncoding);
            response.AssertStatus(HttpStatusCode.OK);
            response.AssertODataVersion(required: true);
            response.AssertJson();

            var raw = ReadRawPage(response, root, setName, selected, pageNumber);
            var page = await ReadPageStrictAsync(response, root, model, entitySet, cancellationToken, dynamicProperties: applyProperties is not null);

            if (raw.NextLink is null != page.NextLink is null)
            {
                throw response.Fail("the raw @odata.nextLink and ODataMessageReader's NextPageLink disagree");
            }

            if (pageNumber == 1)
            {
                firstCount = page.Count;
                if (countRequested && firstCount is null)
                {
                    throw response.Fail("$count=true was requested but the first page has no @odata.count");
                }
            }
            else if (page.Count is { } pageCount && pageCount != firstCount)
            {
                throw response.Fail($"page {pageNumber} has @odata.count {pageCount}, the first page had {Show(firstCount)}");
            }

            if (_options.PreferMaxPageSize is { } max)
            {
                var applied = response.HeaderValues("Preference-Applied");
                if (!applied.Any(v => v.Split(',').Any(p => p.Trim().Equals($"odata.maxpagesize={max}", StringComparison.OrdinalIgnoreCase))))
                {
                    throw response.Fail($"Prefer: odata.maxpagesize={max} was sent but Preference-Applied is '{string.Join(", ", applied)}'");
                }

                if (page.Rows.Count > max)
                {
                    throw response.Fail($"page {pageNumber} has {page.Rows.Count} rows, more than odata.maxpagesize={max}");
                }
            }

            for (var i = 0; i < page.Rows.Count; i++)
            {
                var row = page.Rows[i];
                var missing = expectedProperties.Where(p => !row.ContainsKey(p)).ToList();
                if (missing.Count > 0)
                {
                    throw response.Fail($"page {pageNumber} row {i + 1} lacks selected properties: {string.Join(", ", missing)} (Excel would show an inconsistent table)");
                }

                var extra = row.Keys.Where(p => !expectedProperties.Contains(p) && !keyNames.Contains(p)).ToList();
                if (extra.Count > 0)
                {
                    throw response.Fail($"page {pageNumber} row {i + 1} has properties that were not selected: {string.Join(", ", extra)}");
                }

                if (checkKeys)
                {
                    var key = KeyText(response, row, keyNames, pageNumber, i + 1);
                    if (seenKeys.TryGetValue(key, out var seenOnPage))
                    {
                        throw response.Fail($"duplicate key ({key}) on page {pageNumber}, already on page {seenOnPage}");
                    }

                    seenKeys.Add(key, pageNumber);
                }

                rows.Add(row);
            }

            pageRowCounts.Add(page.Rows.Count);
            pageUrl = raw.NextLink is null ? null : CheckNextLink(response, raw.NextLink, root, url, originalQuery);
        }

        if (firstCount is { } count && !hasTopOrSkip && rows.Count != count)
        {
            throw new StrictODataException(url, $"@odata.count is {count} but {rows.Count} rows were read over {pageUrls.Count} pages (gaps or duplicates in paging)");
        }

        return new FeedReadResult(rows, pageUrls.Count, firstCount, pageUrls, pageRowCounts, encodings);
    }

    // ---------------------------------------------------------------- $count

    /// <summary>GETs <c>{setUrl}/$count</c> (query options kept): 200, text/plain, an integer.</summary>
    public async Task<long> GetCountAsync(Uri setUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setUrl);
        var url = new Uri(setUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/$count" + setUrl.Query);
        var response = await FetchAsync(url, extraHeaders: null, cancellationToken);
        response.AssertStatus(HttpStatusCode.OK);
        response.AssertODataVersion(required: false);
        if (!string.Equals(response.MediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
        {
            throw response.Fail($"$count Content-Type is '{response.ContentType}', expected text/plain");
        }

        var text = response.Text;
        if (!CountRegex().IsMatch(text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw response.Fail($"$count body is '{Snippet(text)}', expected a non-negative integer");
        }

        return count;
    }

    // ---------------------------------------------------------------- errors

    /// <summary>
    /// GETs a URL that must fail: 4xx/5xx with an OData error JSON body (<c>error.code</c>, <c>error.message</c>),
    /// not HTML, no stack trace, no exception type names.
    /// </summary>
    public async Task<ODataErrorResult> GetErrorAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var response = await FetchAsync(url, extraHeaders: null, cancellationToken);
        if ((int)response.Status < 400)
        {
            throw response.Fail($"expected an error status, got {(int)response.Status} (Power Query computes a failed fold locally; an ignored option is silent data loss)");
        }

        response.AssertODataVersion(required: false);
        var text = response.Text;
        if (text.Contains("   at ", StringComparison.Ordinal) || ExceptionNameRegex().IsMatch(text))
        {
            throw response.Fail($"error body shows a stack trace or exception type: {Snippet(text)}");
        }

        if (text.TrimStart().StartsWith('<') || string.Equals(response.MediaType, "text/html", StringComparison.OrdinalIgnoreCase))
        {
            throw response.Fail($"error body is HTML/XML, not OData error JSON: {Snippet(text)}");
        }

        response.AssertJson(requireODataParameters: false);
        string code;
        string message;
        string? target;
        using (var json = response.ParseJson())
        {
            var top = json.RootElement;
            if (top.ValueKind != JsonValueKind.Object || !top.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                throw response.Fail($"error body has no 'error' object: {Snippet(text)}");
            }

            if (!error.TryGetProperty("code", out var codeElement) || codeElement.ValueKind != JsonValueKind.String)
            {
                throw response.Fail($"error.code is missing or not a string: {Snippet(text)}");
            }

            if (!error.TryGetProperty("message", out var messageElement) || messageElement.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(messageElement.GetString()))
            {
                throw response.Fail($"error.message is missing, empty or not a string: {Snippet(text)}");
            }

            code = codeElement.GetString()!;
            message = messageElement.GetString()!;
            target = error.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }

        try
        {
            using var reader = new ODataMessageReader((IODataResponseMessageAsync)response.ToODataMessage(), ReaderSettings(new Uri(url, "/")));
            _ = await reader.ReadErrorAsync();
        }
        catch (ODataException e)
        {
            throw response.Fail($"ODataMessageReader rejected the error payload: {e.Message}", e);
        }

        var challenges = response.HeaderValues("WWW-Authenticate").ToList();
        return new ODataErrorResult(response.Status, code, message, target, text, challenges);
    }

    // ---------------------------------------------------------------- page reading

    private sealed record RawPage(string? NextLink);

    private sealed record StrictPage(List<IReadOnlyDictionary<string, object?>> Rows, Uri? NextLink, long? Count);

    private static RawPage ReadRawPage(FetchedResponse response, Uri root, string setName, IReadOnlyList<string>? selected, int pageNumber)
    {
        using var json = response.ParseJson();
        var top = json.RootElement;
        if (top.ValueKind != JsonValueKind.Object)
        {
            throw response.Fail($"page {pageNumber} is not a JSON object");
        }

        if (!top.TryGetProperty("@odata.context", out var contextElement) || contextElement.ValueKind != JsonValueKind.String)
        {
            throw response.Fail($"page {pageNumber} has no @odata.context string");
        }

        var context = Uri.UnescapeDataString(contextElement.GetString()!);
        var prefix = Uri.UnescapeDataString(root.AbsoluteUri) + "$metadata#";
        if (!context.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw response.Fail($"page {pageNumber} @odata.context '{context}' does not start with '{prefix}'");
        }

        var fragment = context[prefix.Length..];
        var open = fragment.IndexOf('(', StringComparison.Ordinal);
        var contextSet = open < 0 ? fragment : fragment[..open];
        if (contextSet != setName)
        {
            throw response.Fail($"page {pageNumber} @odata.context names '{contextSet}', expected entity set '{setName}'");
        }

        if (selected is null && open >= 0)
        {
            throw response.Fail($"page {pageNumber} @odata.context '{context}' has a select list but the request had no $select");
        }

        if (selected is not null)
        {
            if (open < 0 || !fragment.EndsWith(')'))
            {
                throw response.Fail($"page {pageNumber} @odata.context '{context}' lacks the ({string.Join(",", selected)}) select list");
            }

            var listed = fragment[(open + 1)..^1].Split(',').Select(s => s.Trim()).ToHashSet(StringComparer.Ordinal);
            if (!listed.SetEquals(selected))
            {
                throw response.Fail($"page {pageNumber} @odata.context select list ({string.Join(",", listed)}) differs from $select ({string.Join(",", selected)})");
            }
        }

        if (!top.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw response.Fail($"page {pageNumber} has no 'value' array");
        }

        if (top.TryGetProperty("@odata.count", out var countElement) && countElement.ValueKind != JsonValueKind.Number)
        {
            throw response.Fail($"page {pageNumber} @odata.count is {countElement.ValueKind}, expected a JSON number");
        }

        string? nextLink = null;
        if (top.TryGetProperty("@odata.nextLink", out var nextElement))
        {
            if (nextElement.ValueKind != JsonValueKind.String)
            {
                throw response.Fail($"page {pageNumber} @odata.nextLink is {nextElement.ValueKind}, expected a string");
            }

            nextLink = nextElement.GetString();
        }

        return new RawPage(nextLink);
    }

    private static async Task<StrictPage> ReadPageStrictAsync(FetchedResponse response, Uri root, IEdmModel model, IEdmEntitySet entitySet, CancellationToken cancellationToken, bool dynamicProperties = false)
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        Uri? nextLink = null;
        long? count = null;
        try
        {
            var settings = ReaderSettings(root);
            if (dynamicProperties) settings.Validations &= ~ValidationKinds.ThrowOnUndeclaredPropertyForNonOpenType;
            using var messageReader = new ODataMessageReader((IODataResponseMessageAsync)response.ToODataMessage(), settings, model);
            var reader = await messageReader.CreateODataResourceSetReaderAsync(entitySet, entitySet.EntityType);
            var depth = 0;
            while (await reader.ReadAsync())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (reader.State)
                {
                    case ODataReaderState.ResourceSetStart:
                        depth++;
                        break;
                    case ODataReaderState.ResourceEnd when reader.Item is ODataResource resource:
                        rows.Add(ToRow(resource));
                        break;
                    case ODataReaderState.ResourceSetEnd when reader.Item is ODataResourceSet set:
                        depth--;
                        if (depth == 0)
                        {
                            nextLink = set.NextPageLink;
                            count = set.Count;
                        }

                        break;
                    case ODataReaderState.NestedResourceInfoStart:
                    case ODataReaderState.NestedResourceInfoEnd:
                    case ODataReaderState.EntityReferenceLink:
                    case ODataReaderState.Primitive:
                    case ODataReaderState.NestedProperty:
                    case ODataReaderState.Stream:
                    case ODataReaderState.DeltaResourceSetStart:
                    case ODataReaderState.DeletedResourceStart:
                    case ODataReaderState.DeltaLink:
                    case ODataReaderState.DeltaDeletedLink:
                        throw response.Fail($"unexpected {reader.State} in a flat feed (expand, nested or delta content)");
                }
            }
        }
        catch (ODataException e)
        {
            throw response.Fail($"ODataMessageReader rejected the page: {e.Message}", e);
        }

        return new StrictPage(rows, nextLink, count);
    }

    private static Dictionary<string, object?> ToRow(ODataResource resource)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var info in resource.Properties)
        {
            var value = info is ODataProperty p ? p.Value : null;
#pragma warning disable CS0618 // ODL 8 still reads Edm.Date / Edm.TimeOfDay as its own (obsolete) types.
            row[info.Name] = value switch
            {
                Date d => new DateOnly(d.Year, d.Month, d.Day),
                TimeOfDay t => new TimeOnly(t.Ticks),
                ODataNullValue => null,
                _ => value,
            };
#pragma warning restore CS0618
        }

        return row;
    }

    private static string KeyText(FetchedResponse response, IReadOnlyDictionary<string, object?> row, List<string> keyNames, int page, int rowNumber)
    {
        var parts = new List<string>(keyNames.Count);
        foreach (var name in keyNames)
        {
            var value = row[name] ?? throw response.Fail($"page {page} row {rowNumber}: key property {name} is null");
            parts.Add($"{name}={Convert.ToString(value, CultureInfo.InvariantCulture)}");
        }

        return string.Join(",", parts);
    }

    /// <summary>
    /// The properties a <c>$apply</c> result has, derived independently of the server with
    /// Microsoft.OData's parser: the last groupby's properties plus the aliases of its aggregate (or of
    /// a final aggregate); null when there is no $apply or it only filters.
    /// </summary>
    private static List<string>? AppliedProperties(Uri url, Dictionary<string, StringValues> query, IEdmModel model, IEdmEntitySet entitySet)
    {
        if (!query.TryGetValue("$apply", out var apply)) return null;
        Microsoft.OData.UriParser.Aggregation.ApplyClause clause;
        try
        {
            clause = new Microsoft.OData.UriParser.ODataQueryOptionParser(model, entitySet.EntityType, entitySet, new Dictionary<string, string> { ["$apply"] = apply.ToString() }).ParseApply();
        }
        catch (ODataException e)
        {
            throw new StrictODataException(url, $"$apply does not parse against the model: {e.Message}", e);
        }

        List<string>? properties = null;
        foreach (var step in clause.Transformations)
        {
            switch (step)
            {
                case Microsoft.OData.UriParser.Aggregation.GroupByTransformationNode g:
                    properties = g.GroupingProperties.Select(p => p.Name).ToList();
                    if (g.ChildTransformations is Microsoft.OData.UriParser.Aggregation.AggregateTransformationNode inner)
                    {
                        properties.AddRange(inner.AggregateExpressions.Select(e => e.Alias));
                    }

                    break;
                case Microsoft.OData.UriParser.Aggregation.AggregateTransformationNode a:
                    properties = a.AggregateExpressions.Select(e => e.Alias).ToList();
                    break;
            }
        }

        return properties;
    }

    private static List<string>? SelectedProperties(Uri url, Dictionary<string, StringValues> query, IEdmEntityType entityType)
    {
        if (!query.TryGetValue("$select", out var select))
        {
            return null;
        }

        var items = select.ToString().Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        if (items.Contains("*"))
        {
            return null;
        }

        var unknown = items.Where(i => entityType.FindProperty(i) is not IEdmStructuralProperty).ToList();
        if (unknown.Count > 0)
        {
            throw new StrictODataException(url, $"$select names unknown properties: {string.Join(", ", unknown)}");
        }

        return items.Distinct(StringComparer.Ordinal).ToList();
    }

    private static Uri CheckNextLink(FetchedResponse response, string raw, Uri root, Uri original, Dictionary<string, StringValues> originalQuery)
    {
        if (!raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw response.Fail($"@odata.nextLink '{raw}' is relative; it must be absolute");
        }

        if (!Uri.TryCreate(raw, UriKind.Absolute, out var next))
        {
            throw response.Fail($"@odata.nextLink '{raw}' is not a valid absolute URL");
        }

        if (next.Scheme != root.Scheme || !string.Equals(next.Host, root.Host, StringComparison.OrdinalIgnoreCase) || next.Port != root.Port)
        {
            throw response.Fail($"@odata.nextLink '{raw}' is not on the service's {root.Scheme}://{root.Authority} (forwarded headers?)");
        }

        if (!string.Equals(next.AbsolutePath, original.AbsolutePath, StringComparison.Ordinal))
        {
            throw response.Fail($"@odata.nextLink '{raw}' has path {next.AbsolutePath}, the request had {original.AbsolutePath}");
        }

        var nextQuery = QueryHelpers.ParseQuery(next.Query);
        var problems = new List<string>();
        foreach (var (name, value) in originalQuery)
        {
            if (name is "$skip" or "$skiptoken")
            {
                continue;
            }

            if (!nextQuery.TryGetValue(name, out var nextValue))
            {
                problems.Add($"drops {name}");
            }
            else if (name == "$top")
            {
                if (!long.TryParse(nextValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var nextTop)
                    || !long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var top)
                    || nextTop > top)
                {
                    problems.Add($"has $top={nextValue} for the request's $top={value}");
                }
            }
            else if (!StringValues.Equals(value, nextValue))
            {
                problems.Add($"changes {name} from '{value}' to '{nextValue}'");
            }
        }

        foreach (var name in nextQuery.Keys)
        {
            if (name.StartsWith('$') && name is not ("$skip" or "$skiptoken") && !originalQuery.ContainsKey(name))
            {
                problems.Add($"adds {name}");
            }
        }

        if (problems.Count > 0)
        {
            throw response.Fail($"@odata.nextLink '{raw}' does not keep the original query options: {string.Join("; ", problems)}");
        }

        return next;
    }

    private static ODataMessageReaderSettings ReaderSettings(Uri root) => new(ODataVersion.V4)
    {
        BaseUri = root,
        MaxProtocolVersion = ODataVersion.V4,
        Validations = ValidationKinds.All,
        EnableCharactersCheck = true,
        EnableMessageStreamDisposal = true,
        EnablePropertyNameCaseInsensitive = false,
    };

    // ---------------------------------------------------------------- HTTP

    private async Task<FetchedResponse> FetchAsync(Uri url, IEnumerable<KeyValuePair<string, string>>? extraHeaders, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var headers = request.Headers;
        headers.TryAddWithoutValidation("User-Agent", PowerQueryHeaders.UserAgent);
        headers.TryAddWithoutValidation("OData-MaxVersion", PowerQueryHeaders.ODataMaxVersion);
        headers.TryAddWithoutValidation("MaxDataServiceVersion", PowerQueryHeaders.MaxDataServiceVersion);
        headers.TryAddWithoutValidation("Accept-Encoding", PowerQueryHeaders.AcceptEncoding);
        headers.TryAddWithoutValidation("Accept", PowerQueryHeaders.Accept);
        if (_options.UserName is { } user)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{_options.Password}"));
            headers.Authorization = new AuthenticationHeaderValue("Basic", token);
        }

        foreach (var (name, value) in extraHeaders ?? [])
        {
            headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var wire = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var allHeaders = response.Headers.Concat(response.Content.Headers)
            .Select(h => new KeyValuePair<string, IReadOnlyList<string>>(h.Key, h.Value.ToList()))
            .ToList();
        var encodings = response.Content.Headers.ContentEncoding.Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Length > 0 && e != "identity").ToList();
        if (encodings.Count > 1)
        {
            throw new StrictODataException(url, $"Content-Encoding '{string.Join(", ", encodings)}': more than one encoding");
        }

        var encoding = encodings.SingleOrDefault();
        byte[] body;
        try
        {
            body = encoding switch
            {
                null => wire,
                "gzip" => await DecompressAsync(wire, s => new GZipStream(s, CompressionMode.Decompress), cancellationToken),
                "deflate" => await InflateAsync(wire, cancellationToken),
                _ => throw new StrictODataException(url, $"Content-Encoding '{encoding}' was not offered (Accept-Encoding: {PowerQueryHeaders.AcceptEncoding})"),
            };
        }
        catch (InvalidDataException e)
        {
            throw new StrictODataException(url, $"the body is not valid {encoding} data", e);
        }

        if (_options.RequireCompressionAboveBytes is { } threshold && encoding is null && body.Length > threshold)
        {
            throw new StrictODataException(url,
                $"a {body.Length}-byte response came uncompressed; responses over {threshold} bytes must be gzip " +
                "(if the HttpClient's handler uses AutomaticDecompression, the encoding is hidden: use one without it)");
        }

        return new FetchedResponse(url, response.StatusCode, allHeaders, body, encoding);
    }

    private static async Task<byte[]> DecompressAsync(byte[] wire, Func<Stream, Stream> open, CancellationToken cancellationToken)
    {
        using var input = new MemoryStream(wire, writable: false);
        await using var decompressor = open(input);
        using var output = new MemoryStream();
        await decompressor.CopyToAsync(output, cancellationToken);
        return output.ToArray();
    }

    private static async Task<byte[]> InflateAsync(byte[] wire, CancellationToken cancellationToken)
    {
        // HTTP "deflate" is zlib-wrapped; some servers send raw deflate.
        try
        {
            return await DecompressAsync(wire, s => new ZLibStream(s, CompressionMode.Decompress), cancellationToken);
        }
        catch (InvalidDataException)
        {
            return await DecompressAsync(wire, s => new DeflateStream(s, CompressionMode.Decompress), cancellationToken);
        }
    }

    private static Uri NormalizeRoot(Uri serviceRoot)
    {
        ArgumentNullException.ThrowIfNull(serviceRoot);
        if (!serviceRoot.IsAbsoluteUri || (serviceRoot.Scheme != Uri.UriSchemeHttp && serviceRoot.Scheme != Uri.UriSchemeHttps))
        {
            throw new StrictODataException(serviceRoot, "the service root must be an absolute http(s) URL");
        }

        if (serviceRoot.Query.Length > 0 || serviceRoot.Fragment.Length > 0)
        {
            throw new StrictODataException(serviceRoot, "the service root must have no query or fragment");
        }

        var text = serviceRoot.AbsoluteUri;
        return text.EndsWith('/') ? serviceRoot : new Uri(text + "/");
    }

    private static bool SameUrlText(string a, string b) =>
        string.Equals(Uri.UnescapeDataString(a), Uri.UnescapeDataString(b), StringComparison.Ordinal);

    private static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "none";

    internal static string Snippet(string text) =>
        text.Length <= BodySnippetLength ? text : text[..BodySnippetLength] + "...";

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex CountRegex();

    [GeneratedRegex(@"\b[A-Za-z_][A-Za-z0-9_]*Exception\b")]
    private static partial Regex ExceptionNameRegex();

    // ---------------------------------------------------------------- response

    private sealed class FetchedResponse(Uri url, HttpStatusCode status, List<KeyValuePair<string, IReadOnlyList<string>>> headers, byte[] body, string? contentEncoding)
    {
        private string? _text;

        public Uri Url { get; } = url;

        public HttpStatusCode Status { get; } = status;

        public byte[] Body { get; } = body;

        public string? ContentEncoding { get; } = contentEncoding;

        public string Text => _text ??= DecodeText(Body);

        public string? ContentType => HeaderValues("Content-Type").FirstOrDefault();

        public MediaTypeHeaderValue? ParsedContentType =>
            MediaTypeHeaderValue.TryParse(ContentType, out var parsed) ? parsed : null;

        public string? MediaType => ParsedContentType?.MediaType;

        public IEnumerable<string> HeaderValues(string name) =>
            headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value);

        public StrictODataException Fail(string problem, Exception? inner = null) => new(Url, problem, inner);

        public void AssertStatus(HttpStatusCode expected)
        {
            if (Status != expected)
            {
                throw Fail($"status {(int)Status} {Status}, expected {(int)expected}; body: {Snippet(Text)}");
            }
        }

        public void AssertODataVersion(bool required)
        {
            var values = HeaderValues("OData-Version").ToList();
            if (values.Count > 1)
            {
                throw Fail($"{values.Count} OData-Version headers ({string.Join(" | ", values)}); exactly one is allowed");
            }

            if (values.Count == 0)
            {
                if (required)
                {
                    throw Fail("no OData-Version header (Power Query then does not treat the service as OData v4)");
                }

                return;
            }

            if (values[0].Trim() != "4.0")
            {
                throw Fail($"OData-Version is '{values[0]}', expected 4.0");
            }
        }

        public void AssertJson(bool requireODataParameters = true)
        {
            var parsed = ParsedContentType;
            if (parsed is null || !string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
            {
                throw Fail($"Content-Type is '{ContentType}', expected application/json");
            }

            AssertUtf8Charset();
            if (!requireODataParameters)
            {
                return;
            }

            foreach (var parameter in parsed.Parameters)
            {
                var value = parameter.Value?.Trim('"');
                if (parameter.Name.Equals("odata.metadata", StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(value, "minimal", StringComparison.OrdinalIgnoreCase))
                {
                    throw Fail($"Content-Type '{ContentType}': odata.metadata={value}, but minimal was asked for");
                }

                if (parameter.Name.Equals("IEEE754Compatible", StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
                {
                    throw Fail($"Content-Type '{ContentType}': IEEE754Compatible={value} was not asked for (Int64/Decimal must be numbers)");
                }
            }
        }

        public void AssertUtf8Charset()
        {
            var charset = ParsedContentType?.CharSet?.Trim('"');
            if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                throw Fail($"Content-Type '{ContentType}': charset {charset}, expected utf-8");
            }
        }

        public JsonDocument ParseJson()
        {
            try
            {
                return JsonDocument.Parse(Body, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
            }
            catch (JsonException e)
            {
                throw Fail($"body is not valid JSON ({e.Message}): {Snippet(Text)}", e);
            }
        }

        public BufferedODataResponseMessage ToODataMessage() =>
            new((int)Status, headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value)), Body);

        private static string DecodeText(byte[] body)
        {
            try
            {
                var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
                var text = strict.GetString(body);
                return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
            }
            catch (DecoderFallbackException)
            {
                return Encoding.Latin1.GetString(body);
            }
        }
    }
}
