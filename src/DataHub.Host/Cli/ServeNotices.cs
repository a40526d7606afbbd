using System.Net;
using DataHub.Host.Composition;

namespace DataHub.Host.Cli;

/// <summary>
/// What <c>serve</c> tells the operator before anyone connects: how to create the first steward when
/// the folder has none (else every feed answers 401 and nobody can sign in to the UI), and a warning
/// when passwords and data would cross the network in clear.
/// </summary>
internal static class ServeNotices
{
    public static async Task<IReadOnlyList<string>> ForAsync(DataHubEngine engine, string dataOption, IEnumerable<string> urls, CancellationToken cancellationToken)
    {
        var notices = new List<string>();
        if (await engine.Catalog.Principals.CountActiveStewardsAsync(cancellationToken) == 0)
        {
            notices.Add($"""
                注意：此数据目录中还没有可用的数据管理员（steward），没有人能登录目录界面，所有数据服务请求都会得到 401。
                  先创建第一个数据管理员（范围为本区的 6 位区划代码），再重新启动服务：
                    datahub users add 管理员用户名 --role steward --unit 320113 --display "某某区数据管理员" --data "{dataOption}"
                  命令会打印一次性显示的初始密码；登录后可在“用户与密钥”页面创建其他用户。
                """);
        }
        foreach (var url in urls.Where(IsPlainHttpOffLoopback))
        {
            notices.Add($"""
                警告：{url} 是非本机地址上的明文 HTTP。密码、API 密钥和数据会以明文在网络上传输。
                  请只在本机（127.0.0.1）监听，并在前面放置 HTTPS 反向代理（如 nginx），或改用 https:// 地址。
                """);
        }
        return notices;
    }

    /// <summary>True for an http:// address that is not loopback (0.0.0.0, *, +, a LAN address, a host name other than localhost).</summary>
    public static bool IsPlainHttpOffLoopback(string url)
    {
        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) return false;
        var rest = url["http://".Length..];
        var end = rest.IndexOfAny(['/', '?']);
        var authority = end >= 0 ? rest[..end] : rest;
        string host;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? authority[1..close] : authority;
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority[..colon] : authority;
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return false;
        return !(IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
