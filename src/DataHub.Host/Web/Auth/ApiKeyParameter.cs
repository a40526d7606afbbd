using DataHub.Catalog.Audit;
using Microsoft.AspNetCore.Http.Extensions;

namespace DataHub.Host.Web.Auth;

/// <summary>
/// The <c>?api_key=</c> query parameter (Excel's "Web API" option puts the key in the URL). ONE rule
/// (<see cref="AuditRedaction.IsApiKeyName"/>), decides both what authenticates and what is stripped before the query reaches
/// a nextLink or the audit log: a key sent as <c>API_KEY=</c> or <c>Api_Key=</c> must never be
/// accepted by one and missed by the other.
/// </summary>
internal static class ApiKeyParameter
{
    public const string Name = "api_key";

    /// <summary>The header alternative for clients that can set one.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The catalog's rule (case, '_' and '-' ignored), so the audit's redaction and this agree by construction.</summary>
    public static bool Matches(string parameterName) => AuditRedaction.IsApiKeyName(parameterName);

    /// <summary>The first non-empty value of any spelling of the parameter, or null.</summary>
    public static string? Read(IQueryCollection query)
    {
        foreach (var (name, values) in query)
        {
            if (!Matches(name)) continue;
            foreach (var value in values)
                if (!string.IsNullOrEmpty(value)) return value;
        }
        return null;
    }

    public static bool IsPresent(IQueryCollection query) => query.Keys.Any(Matches);

    /// <summary>The query without any spelling of the parameter (unchanged when it is absent).</summary>
    public static QueryString Strip(HttpRequest request) =>
        IsPresent(request.Query)
            ? new QueryBuilder(request.Query.Where(q => !Matches(q.Key)).SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? "")))).ToQueryString()
            : request.QueryString;
}
