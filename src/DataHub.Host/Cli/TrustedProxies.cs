using System.Net;

namespace DataHub.Host.Cli;

/// <summary><c>--trusted-proxy</c>: the reverse proxies whose X-Forwarded-* headers the host believes.</summary>
internal static class TrustedProxies
{
    /// <summary>Comma-separated IP addresses; none when empty.</summary>
    public static IReadOnlyList<IPAddress> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var proxies = new List<IPAddress>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            proxies.Add(IPAddress.TryParse(part, out var ip) ? ip : throw ParsedArgs.Usage($"--trusted-proxy 的取值“{part}”不是 IP 地址（例如 127.0.0.1 或 ::1，多个用逗号分隔）"));
        }
        return proxies;
    }
}
