using System.Text;
using System.Text.Json;
using DataHub.Catalog.Audit;
using DataHub.Host.Composition;

namespace DataHub.Host.Web;

/// <summary>
/// The feed path's audit: a record reserved (durable in the catalog) before any byte of data is
/// sent and completed afterwards; failed logins counted per user, address and minute. When the
/// reservation cannot be written the answer is 503 with no data: no record, no data.
/// </summary>
internal static class FeedAudit
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The id of the reserved record, or null when it could not be written (the caller answers 503).</summary>
    public static async Task<string?> ReserveAsync(DataHubEngine engine, string principal, string? dataset, long? version, int status, HttpContext http, ILogger log)
    {
        try
        {
            // Not the request's token: a client that hangs up must not leave its answer unrecorded.
            return await engine.Catalog.Access.ReserveAsync(new AccessRecord(engine.Time.GetUtcNow(), principal, dataset, version,
                http.Request.Method, AuditRedaction.Redact(http.Request.Path.ToString(), http.Request.QueryString.Value), status, 0, null,
                http.Request.Headers.UserAgent.ToString(), null, ClientAddress(http)), CancellationToken.None);
        }
        catch (Exception e)
        {
            WebLog.AuditNotWritten(log, e);
            return null;
        }
    }

    public static async Task CompleteAsync(DataHubEngine engine, string id, int status, long rows, string? errorCode, TimeSpan elapsed, ILogger log)
    {
        try
        {
            await engine.Catalog.Access.CompleteAsync(id, status, rows, errorCode, (long)elapsed.TotalMilliseconds, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The reservation stays, marked INCOMPLETE: the auditor sees that an answer may have left.
            WebLog.AuditNotCompleted(log, e, id);
        }
    }

    public static async Task UnavailableAsync(HttpContext http, CancellationToken ct)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers["OData-Version"] = "4.0";
        http.Response.Headers.RetryAfter = "60";
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new { error = new { code = "AUDIT_UNAVAILABLE", message = "审计记录暂时无法写入，为保证每次数据访问都有记录，本次请求未返回数据。请稍后重试；如持续出现请联系运维人员检查磁盘空间。" } };
        await http.Response.WriteAsync(JsonSerializer.Serialize(body, Json), ct);
    }

    /// <summary>The user name a failed request claimed: the Basic user, "(API 密钥)" for a key; null without credentials.</summary>
    public static string? PresentedUser(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                var user = colon < 0 ? text : text[..colon];
                return user.Length > 0 ? user : "(API 密钥)";
            }
            catch (FormatException)
            {
                return "(无法解析)";
            }
        }
        if (header.Length > 0) return "(其他认证方式)";
        return request.Query.Keys.Any(AuditRedaction.IsApiKeyName) ? "(API 密钥)" : null;
    }

    public static async Task FailedLoginAsync(DataHubEngine engine, string user, HttpContext http)
    {
        try
        {
            await engine.Catalog.FailedLogins.RecordAsync(user, ClientAddress(http), CancellationToken.None);
        }
        catch (Exception e)
        {
            WebLog.FailedLoginNotRecorded(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("DataHub.Feeds"), e);
        }
    }

    public static string? ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
