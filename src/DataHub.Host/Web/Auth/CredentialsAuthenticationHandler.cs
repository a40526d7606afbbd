using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DataHub.Host.Web.Auth;

/// <summary>
/// The credentials half of the DataHub scheme: HTTP Basic (user + password, or any user + API key
/// as the password), the <c>X-Api-Key</c> header and the <c>?api_key=</c> parameter. Its challenge
/// is what Excel understands: 401 with <c>WWW-Authenticate: Basic realm="DataHub"</c> and a zh-CN
/// OData error body; 429 with <c>Retry-After</c> when the caller is throttled.
/// </summary>
internal sealed class CredentialsAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PrincipalAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Realm = "DataHub";
    private const string RetryAfterItem = "datahub:retry-after";
    private const string ElapsedItem = "datahub:auth-ms";
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var credentials = PresentedCredentials.Read(Request);
        if (credentials is null)
            return PresentedCredentials.AnyPresent(Request) ? AuthenticateResult.Fail("unreadable credentials") : AuthenticateResult.NoResult();

        var started = TimeProvider.GetTimestamp();
        var outcome = await authenticator.AuthenticateAsync(credentials, ClientAddress(Context), Context.RequestAborted);
        Context.Items[ElapsedItem] = TimeProvider.GetElapsedTime(started).TotalMilliseconds;
        if (outcome.RetryAfter is { } wait)
        {
            Context.Items[RetryAfterItem] = wait;
            return AuthenticateResult.Fail("throttled");
        }
        if (outcome.Principal is null) return AuthenticateResult.Fail("invalid credentials");
        var user = DataHubClaims.ToClaims(outcome.Principal, credentials.IsApiKey ? "ApiKey" : "Basic");
        return AuthenticateResult.Success(new AuthenticationTicket(user, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(RetryAfterItem, out var value) && value is TimeSpan wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return WriteErrorAsync(StatusCodes.Status429TooManyRequests, "TOO_MANY_ATTEMPTS", LoginMessages.Throttled(seconds));
        }
        Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        return WriteErrorAsync(StatusCodes.Status401Unauthorized, "UNAUTHORIZED",
            "需要登录：请在 Excel 中选择“基本”身份验证，输入用户名和密码（或任意用户名 + API 密钥作为密码）。");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteErrorAsync(StatusCodes.Status403Forbidden, "FORBIDDEN", "您的角色无权访问此地址。如需访问，请联系本区数据管理员。");

    private Task WriteErrorAsync(int status, string code, string message)
    {
        Response.StatusCode = status;
        Response.Headers["OData-Version"] = "4.0";
        Response.ContentType = "application/json; charset=utf-8";
        return Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message } }, Json), Context.RequestAborted);
    }

    /// <summary>Milliseconds the credentials check of this request took (the Server-Timing <c>auth</c> stage), 0 without one.</summary>
    public static double Elapsed(HttpContext http) => http.Items.TryGetValue(ElapsedItem, out var v) && v is double ms ? ms : 0;

    /// <summary>The client address the throttle and the audit use (after the forwarded-headers middleware).</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

/// <summary>zh-CN sign-in messages shared by the feed challenge and the sign-in page.</summary>
internal static class LoginMessages
{
    public const string WrongCredentials = "用户名或密码不正确，或账号已停用。请检查后重试；忘记密码请联系本区数据管理员重置。";

    public static string Throttled(int seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"登录失败次数过多，已暂时锁定。请 {seconds} 秒后再试；如非本人操作，请联系本区数据管理员。");
}
