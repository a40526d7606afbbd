using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.AspNetCore.OData.Query.Wrapper;
using Microsoft.OData.Edm;
using Microsoft.OData.ModelBuilder;
using Microsoft.OData.UriParser;

namespace DataHub.Serving.Tests.Differential;

/// <summary>
/// Microsoft's own implementation as the oracle: <see cref="ODataQueryOptions{TEntity}.ApplyTo(IQueryable, ODataQuerySettings)"/>
/// over an in-memory <see cref="IQueryable{T}"/> of the same rows, on a convention model with the
/// same property names, the query string given through a <see cref="DefaultHttpContext"/>.
/// </summary>
public sealed class ReferenceOData<T>
    where T : class
{
    private readonly string setName;
    private readonly IEdmModel model;
    private readonly IEdmEntitySet set;
    private readonly IQueryable<T> rows;

    public ReferenceOData(string setName, IEnumerable<T> rows)
    {
        this.setName = setName;
        var builder = new ODataConventionModelBuilder();
        builder.EntitySet<T>(setName);
        model = builder.GetEdmModel();
        set = model.EntityContainer.FindEntitySet(setName);
        // Sorted by key: LINQ's sort is stable, so rows tied on $orderby keep key order, DataHub's tiebreaker.
        var key = typeof(T).GetProperties().Single(p => p.GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.KeyAttribute), false).Length > 0);
        this.rows = rows.OrderBy(r => (string)key.GetValue(r)!, StringComparer.Ordinal).ToList().AsQueryable();
    }

    /// <summary>The rows (property name to CLR value) and, when <c>$count=true</c>, the count before $top/$skip.</summary>
    public (List<Dictionary<string, object?>> Rows, long? Count) Query(string queryString)
    {
        var result = Rows(queryString);
        long? count = null;
        if (queryString.Contains("$count=true", StringComparison.Ordinal))
        {
            var unpaged = string.Join("&", queryString.Split('&').Where(o => !o.StartsWith("$top=", StringComparison.Ordinal) && !o.StartsWith("$skip=", StringComparison.Ordinal)));
            count = Rows(unpaged).Count;
        }
        return (result, count);
    }

    private List<Dictionary<string, object?>> Rows(string queryString)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        http.Request.Path = "/odata/" + setName;
        http.Request.QueryString = new QueryString("?" + queryString);
        var context = new ODataQueryContext(model, typeof(T), new ODataPath(new EntitySetSegment(set)));
        var options = new ODataQueryOptions<T>(context, http.Request);
        var settings = new ODataQuerySettings { HandleNullPropagation = HandleNullPropagationOption.True, EnsureStableOrdering = true };
        var applied = OrdinalStrings.Apply(options.ApplyTo(rows, settings));
        var list = new List<Dictionary<string, object?>>();
        foreach (var item in (IEnumerable)applied) list.Add(ToDictionary(item));
        return list;
    }

    private static Dictionary<string, object?> ToDictionary(object item) => item switch
    {
        T entity => typeof(T).GetProperties().ToDictionary(p => p.Name, p => p.GetValue(entity)),
        ISelectExpandWrapper wrapper => wrapper.ToDictionary().ToDictionary(p => p.Key, p => (object?)p.Value),
        DynamicTypeWrapper dynamic => dynamic.Values.ToDictionary(p => p.Key, p => (object?)p.Value),
        _ => throw new InvalidOperationException($"Unexpected reference result {item.GetType()}."),
    };
}
