using System.Data.Common;

namespace DataHub.Connectors.Sql;

/// <summary>Looks into a connection string without ever echoing it (it may hold a secret).</summary>
internal static class ConnectionStrings
{
    private static readonly string[] PasswordKeys = ["password", "pwd", "passwd"];

    public static bool HasPassword(string connectionString)
    {
        var builder = Parse(connectionString);
        return builder is null
            ? PasswordKeys.Any(k => connectionString.Contains(k + "=", StringComparison.OrdinalIgnoreCase))
            : PasswordKeys.Any(k => builder.ContainsKey(k) && builder[k] is string s && s.Length > 0);
    }

    /// <summary>"host:port/database" for messages.</summary>
    public static string HostAndDatabase(string connectionString)
    {
        var b = Parse(connectionString);
        if (b is null) return "（连接字符串无法解析）";
        string Get(params string[] keys) => keys.Select(k => b.ContainsKey(k) ? b[k]?.ToString() : null).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "";
        var port = Get("port");
        return $"{Get("host", "server")}{(port.Length > 0 ? ":" + port : "")}/{Get("database", "db")}";
    }

    private static DbConnectionStringBuilder? Parse(string connectionString)
    {
        try
        {
            return new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
