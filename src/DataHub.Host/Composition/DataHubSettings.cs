using DataHub.Core;
using DataHub.Core.Failures;
using DataHub.Host.Jobs;

namespace DataHub.Host.Composition;

/// <summary>
/// Everything an operator can set without recompiling, from (later wins): defaults,
/// <c>appsettings.json</c> in the data folder, <c>DATAHUB__Section__Key</c> environment variables,
/// command-line options. Validated at start-up with zh-CN config errors (what, where, how to fix).
/// </summary>
public sealed class DataHubSettings
{
    public const string FileName = "appsettings.json";
    public const string EnvironmentPrefix = "DATAHUB__";

    /// <summary>Where the web host listens (<c>--urls</c>).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    public CatalogSettings Catalog { get; set; } = new();

    public ServingSettings Serving { get; set; } = new();

    public IngestionSettings Ingestion { get; set; } = new();

    public JobsOptions Jobs { get; set; } = new();

    public Freshness.FreshnessOptions Freshness { get; set; } = new();

    public sealed class CatalogSettings
    {
        /// <summary>Npgsql connection string of a PostgreSQL catalog (<c>--catalog-postgres</c>); empty for SQLite in the data folder.</summary>
        public string? Postgres { get; set; }
    }

    public sealed class ServingSettings
    {
        public int PageSize { get; set; } = 5000;
        public string DuckDbMemoryLimit { get; set; } = "1GB";
        public int DuckDbThreads { get; set; } = 2;

        /// <summary>Feed requests admitted at once per node before 503 + Retry-After (<c>ServingOptions.MaxConcurrentRequests</c>).</summary>
        public int MaxConcurrentFeedRequests { get; set; } = 48;

        /// <summary>DuckDB query workers (<c>ServingOptions.QueryWorkers</c>).</summary>
        public int QueryWorkers { get; set; } = 4;

        /// <summary>Nice value added to DuckDB's threads on Linux (<c>ServingOptions.WorkerNice</c>); 0 = off.</summary>
        public int DuckDbWorkerNice { get; set; }

        /// <summary>Downloads admitted at once per node, one download worker each (<c>ServingOptions.MaxConcurrentDownloads</c>).</summary>
        public int MaxConcurrentDownloads { get; set; } = 2;

        /// <summary>Time budget of one download, streaming included (<c>ServingOptions.DownloadTimeout</c>).</summary>
        public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(10);
    }

    public sealed class IngestionSettings
    {
        public int KeepVersions { get; set; } = 5;
        public string DuckDbMemoryLimit { get; set; } = "1GB";
        public int DuckDbThreads { get; set; } = 2;
    }

    /// <summary>Reads the settings of a data folder; <paramref name="overrides"/> are command-line options as configuration keys.</summary>
    public static DataHubSettings Load(string dataRoot, IReadOnlyDictionary<string, string?> overrides)
    {
        var file = Path.Combine(Path.GetFullPath(dataRoot), FileName);
        IConfigurationRoot config;
        try
        {
            config = new ConfigurationBuilder()
                .AddJsonFile(file, optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddInMemoryCollection(overrides)
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new DataHubException(FailureKind.Config, "CONFIG_FILE_INVALID", $"配置文件不是有效的 JSON：{e.Message.Split('\n')[0]}", file, "检查逗号、引号和括号；不用的配置可以整个删除");
        }
        // The older variable keeps working.
        var settings = new DataHubSettings();
        try
        {
            config.Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            throw new DataHubException(FailureKind.Config, "CONFIG_VALUE_INVALID", $"配置项的取值类型不对：{e.Message.Split('\n')[0]}", $"{file} 或 {EnvironmentPrefix}… 环境变量",
                "数字写成 5000，时间间隔写成 00:00:02，开关写成 true/false");
        }
        if (string.IsNullOrEmpty(settings.Catalog.Postgres) && Environment.GetEnvironmentVariable(DataHubEngine.CatalogPostgresVariable) is { Length: > 0 } legacy)
            settings.Catalog.Postgres = legacy;
        settings.Validate(file);
        return settings;
    }

    private void Validate(string file)
    {
        DataHubException Bad(string key, string what, string fix) =>
            new(FailureKind.Config, "CONFIG_VALUE_INVALID", what, $"配置项 {key}（{file}，或环境变量 {EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)}）", fix);

        if (Serving.PageSize is < 1 or > 20_000) throw Bad("Serving:PageSize", $"每页行数 {Serving.PageSize} 超出范围", "设为 1 到 20000 之间，Excel 默认用 5000");
        if (!DuckDbMemorySize.IsValid(Serving.DuckDbMemoryLimit)) throw Bad("Serving:DuckDbMemoryLimit", $"DuckDB 内存上限“{Serving.DuckDbMemoryLimit}”格式不对", "写成 512MB、1GB 这样的形式");
        if (Serving.DuckDbThreads is < 1 or > 256) throw Bad("Serving:DuckDbThreads", $"DuckDB 线程数 {Serving.DuckDbThreads} 超出范围", "设为 1 到 256，一般不超过 CPU 核数");
        if (Serving.MaxConcurrentFeedRequests is < 1 or > 10_000) throw Bad("Serving:MaxConcurrentFeedRequests", $"同时处理的数据请求数 {Serving.MaxConcurrentFeedRequests} 超出范围", "设为 1 到 10000，默认 48");
        if (Serving.DuckDbWorkerNice is < 0 or > 19) throw Bad("Serving:DuckDbWorkerNice", $"DuckDB 线程优先级调整值 {Serving.DuckDbWorkerNice} 超出范围", "设为 0 到 19，默认 0（不调整）");
        if (Serving.QueryWorkers is < 1 or > 64) throw Bad("Serving:QueryWorkers", $"查询工作线程数 {Serving.QueryWorkers} 超出范围", "设为 1 到 64，默认 4");
        if (Serving.MaxConcurrentDownloads is < 1 or > 16) throw Bad("Serving:MaxConcurrentDownloads", $"同时下载数 {Serving.MaxConcurrentDownloads} 超出范围", "设为 1 到 16，默认 2");
        if (Serving.DownloadTimeout <= TimeSpan.Zero || Serving.DownloadTimeout > TimeSpan.FromHours(24))
            throw Bad("Serving:DownloadTimeout", $"下载超时 {Serving.DownloadTimeout} 超出范围", "设为 00:00:01 到 1.00:00:00 之间，默认 00:10:00");
        if (Ingestion.KeepVersions < 2) throw Bad("Ingestion:KeepVersions", $"保留版本数 {Ingestion.KeepVersions} 太小", "至少 2，保证正在分页读取的用户仍能读完上一版本");
        if (!DuckDbMemorySize.IsValid(Ingestion.DuckDbMemoryLimit)) throw Bad("Ingestion:DuckDbMemoryLimit", $"DuckDB 内存上限“{Ingestion.DuckDbMemoryLimit}”格式不对", "写成 512MB、1GB 这样的形式");
        if (Ingestion.DuckDbThreads is < 1 or > 256) throw Bad("Ingestion:DuckDbThreads", $"DuckDB 线程数 {Ingestion.DuckDbThreads} 超出范围", "设为 1 到 256");
        if (Jobs.WorkerCount is < 1 or > 64) throw Bad("Jobs:WorkerCount", $"作业并发数 {Jobs.WorkerCount} 超出范围", "设为 1 到 64");
        if (Jobs.QueuePollInterval < TimeSpan.FromMilliseconds(100) || Jobs.QueuePollInterval > TimeSpan.FromMinutes(10))
            throw Bad("Jobs:QueuePollInterval", $"作业队列轮询间隔 {Jobs.QueuePollInterval} 超出范围", "设为 00:00:00.1 到 00:10:00 之间，默认 00:00:02");
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(Jobs.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw Bad("Jobs:TimeZone", $"时区“{Jobs.TimeZone}”不存在", "写 Asia/Shanghai（Linux 需安装 tzdata）");
        }
        if (Freshness.CheckInterval < TimeSpan.FromSeconds(10) || Freshness.CheckInterval > TimeSpan.FromDays(1))
            throw Bad("Freshness:CheckInterval", $"新鲜度检查间隔 {Freshness.CheckInterval} 超出范围", "设为 00:00:10 到 1.00:00:00 之间，默认 00:05:00");
        if (Freshness.WebhookUrl is { Length: > 0 } hook && !(Uri.TryCreate(hook, UriKind.Absolute, out var hookUri) && hookUri.Scheme is "http" or "https"))
            throw Bad("Freshness:WebhookUrl", $"告警地址“{hook}”不是有效的 http(s) URL", "例如 https://alerts.example.gov.cn/datahub；不需要告警推送就删掉这一项");
        if (Freshness.WebhookAttempts is < 1 or > 20) throw Bad("Freshness:WebhookAttempts", $"告警推送尝试次数 {Freshness.WebhookAttempts} 超出范围", "设为 1 到 20，默认 5");
        if (Freshness.WebhookRetryDelay < TimeSpan.Zero || Freshness.WebhookRetryDelay > TimeSpan.FromHours(1))
            throw Bad("Freshness:WebhookRetryDelay", $"告警重试间隔 {Freshness.WebhookRetryDelay} 超出范围", "设为 00:00:00 到 01:00:00 之间，默认 00:00:10");
        if (!Uri.TryCreate(Urls.Split(';')[0].Trim(), UriKind.Absolute, out _)) throw Bad("Urls", $"监听地址“{Urls}”不是有效的 URL", "例如 http://127.0.0.1:5080；多个地址用分号隔开");
    }
}
