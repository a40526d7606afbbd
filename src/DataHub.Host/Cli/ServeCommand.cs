using System.Text;
using DataHub.Host.Composition;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DataHub.Host.Cli;

/// <summary><c>datahub serve</c>: serves what a data folder already holds.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var web = WebOptionsFor(target, args);

        var engine = await target.OpenAsync(cancellationToken);
        foreach (var notice in await ServeNotices.ForAsync(engine, target.Data.Root, web.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), cancellationToken))
            await stdout.WriteLineAsync(notice);
        await using var app = DataHubWebApp.Create(engine, web);
        await app.StartAsync(cancellationToken);
        await stdout.WriteLineAsync(Banner(BoundAddress(app), target.Data, null, web.Jobs is not null));
        await app.WaitForShutdownAsync(cancellationToken);
        return CommandLine.Ok;
    }

    /// <summary>
    /// The web host's options from the data folder's settings and the command line: the same for
    /// <c>serve</c> and <c>demo</c>, so the demo runs what a deployment runs (serving limits, jobs and
    /// their dashboard, freshness checks).
    /// </summary>
    public static WebOptions WebOptionsFor(EngineTarget target, ParsedArgs args)
    {
        var settings = target.Settings;
        // Jobs share the catalog's PostgreSQL when it is there, so every node sees every job.
        settings.Jobs.Postgres ??= target.EffectiveCatalogPostgres;
        return new WebOptions
        {
            Urls = args.Option("urls") ?? settings.Urls,
            PageSize = settings.Serving.PageSize,
            DuckDbMemoryLimit = settings.Serving.DuckDbMemoryLimit,
            DuckDbThreads = settings.Serving.DuckDbThreads,
            MaxConcurrentFeedRequests = settings.Serving.MaxConcurrentFeedRequests,
            QueryWorkers = settings.Serving.QueryWorkers,
            DuckDbWorkerNice = settings.Serving.DuckDbWorkerNice,
            MaxConcurrentDownloads = settings.Serving.MaxConcurrentDownloads,
            DownloadTimeout = settings.Serving.DownloadTimeout,
            TrustedProxies = TrustedProxies.Parse(args.Option("trusted-proxy") ?? Environment.GetEnvironmentVariable("DATAHUB_TRUSTED_PROXIES")),
            Jobs = args.Flag("no-jobs") || !settings.Jobs.Enabled ? null : settings.Jobs,
            Freshness = settings.Freshness.Enabled ? settings.Freshness : null,
        };
    }

    /// <summary>The address Kestrel actually bound (port 0 resolves to a real port).</summary>
    public static string BoundAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public static string Banner(string baseUrl, DataDirectory data, IReadOnlyList<DemoCredential>? credentials, bool jobs)
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine("DataHub 已启动");
        sb.AppendLine($"  目录界面（登录）：{baseUrl}/");
        sb.AppendLine($"  OData 服务根地址：{baseUrl}/odata/");
        sb.AppendLine($"  实有人口数据集：  {baseUrl}/odata/Population");
        sb.AppendLine($"  元数据：          {baseUrl}/odata/$metadata");
        sb.AppendLine($"  就绪检查：        {baseUrl}/health/ready");
        if (jobs) sb.AppendLine($"  作业面板：        {baseUrl}{Jobs.JobsRegistration.DashboardPath}（数据管理员、运维人员登录后可见）");
        sb.AppendLine($"  数据目录：        {data.Root}");
        if (credentials is not null)
        {
            sb.AppendLine($"  凭据文件：        {data.CredentialsPath}");
            sb.AppendLine();
            sb.AppendLine("  用户名             角色               范围                       密码              API 密钥");
            foreach (var c in credentials)
                sb.AppendLine($"  {c.Name,-18} {c.Role,-18} {c.Scope} {c.ScopeName,-12} {c.Password}  {c.ApiKey}");
        }
        sb.AppendLine();
        sb.AppendLine("  在 Excel 中打开：数据 > 获取数据 > 自其他源 > 从 OData 源，粘贴服务根地址，");
        sb.AppendLine(credentials is null
            ? "  身份验证选“基本”，输入您的用户名和密码（或任意用户名 + API 密钥作密码）。"
            : "  身份验证选“基本”，输入上面的用户名和密码（或任意用户名 + API 密钥作密码）。");
        sb.AppendLine("  按 Ctrl+C 停止。");
        return sb.ToString();
    }
}
