using System.Text;

namespace DataHub.Host.Web.Auth;

/// <summary>What a request presents to prove who it is: Basic user + secret, an API key header or query parameter.</summary>
/// <param name="PasswordOnly">The UI sign-in form: the secret is a password even if it looks like a key (a key leaked from an Excel URL must not open the UI).</param>
internal sealed record PresentedCredentials(string? UserName, string Secret, bool PasswordOnly = false)
{
    /// <summary>API keys are recognisable by their prefix; any other secret is a password.</summary>
    public bool IsApiKey => !PasswordOnly && Secret.StartsWith("dh_", StringComparison.Ordinal);

    public static bool AnyPresent(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
        || request.Headers.ContainsKey(ApiKeyParameter.Header)
        || ApiKeyParameter.IsPresent(request.Query);

    /// <summary>The credentials of the request, or null when it presents none (or an unreadable Basic header).</summary>
    public static PresentedCredentials? Read(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0 && colon + 1 < text.Length) return new PresentedCredentials(colon > 0 ? text[..colon] : null, text[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return null;
            }
            return null;
        }
        var fromHeader = request.Headers[ApiKeyParameter.Header].ToString();
        if (fromHeader.Length > 0) return new PresentedCredentials(null, fromHeader);
        return ApiKeyParameter.Read(request.Query) is { } key ? new PresentedCredentials(null, key) : null;
    }
}
