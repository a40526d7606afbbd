using System.Text.Json;
using DataHub.Host.Composition;
using DataHub.Pipelines.Ingestion;
using Npgsql;

namespace DataHub.Host.Cli;

/// <summary><c>datahub config show</c>: the effective configuration, secrets redacted.</summary>
internal static class ConfigCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout)
    {
        var sub = args.Positional.Count == 1 ? args.Positional[0] : throw ParsedArgs.Usage("config 需要子命令：show");
        if (sub != "show") throw ParsedArgs.Usage($"config 没有子命令“{sub}”（可用：show）");
        var target = EngineTarget.From(args);
        var s = target.Settings;
        s.Catalog.Postgres = Redact(s.Catalog.Postgres);
        s.Jobs.Postgres = Redact(s.Jobs.Postgres);
        s.Freshness.WebhookUrl = RedactUrl(s.Freshness.WebhookUrl);
        await stdout.WriteLineAsync($"// 数据目录：{target.Data.Root}；配置文件：{Path.Combine(target.Data.Root, DataHubSettings.FileName)}（可选）；环境变量前缀：{DataHubSettings.EnvironmentPrefix}");
        await stdout.WriteLineAsync(JsonSerializer.Serialize(s, RunReport.Json));
        return CommandLine.Ok;
    }

    /// <summary>A URL without user info and query (where receivers put their tokens).</summary>
    public static string? RedactUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u)
            ? $"{u.Scheme}://{u.Host}:{u.Port}{u.AbsolutePath}{(u.Query.Length > 0 || u.UserInfo.Length > 0 ? " (***)" : "")}"
            : url is null ? null : "***";

    /// <summary>A connection string with its password (and any other secret) replaced.</summary>
    public static string? Redact(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString)) return connectionString;
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(b.Password)) b.Password = "***";
            return b.ToString();
        }
        catch (ArgumentException)
        {
            return "***";
        }
    }
}
