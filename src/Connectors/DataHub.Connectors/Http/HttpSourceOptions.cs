using System.Globalization;
using DataHub.Connectors.Abstractions;

namespace DataHub.Connectors.Http;

/// <summary>
/// The options every HTTP connector (REST, FHIR) shares: how to authenticate, how long to wait,
/// how often to retry and how fast to ask. The secret itself is never an option: the source names
/// an environment variable or a file that holds it.
/// </summary>
internal sealed record HttpSourceOptions(
    string SourceId,
    string? AuthHeader,
    string? AuthValue,
    string? AuthOrigin,
    TimeSpan Timeout,
    int MaxRetries,
    TimeSpan RetryDelay,
    TimeSpan MaxRetryAfter,
    double? RateLimit)
{
    public const string AuthHeaderOption = "auth_header";
    public const string AuthPrefixOption = "auth_prefix";
    public const string AuthEnvOption = "auth_env";
    public const string AuthSecretFileOption = "auth_secret_file";
    public const string TimeoutOption = "timeout_seconds";
    public const string MaxRetriesOption = "max_retries";
    public const string RetryDelayOption = "retry_delay_ms";
    public const string MaxRetryAfterOption = "max_retry_after_seconds";
    public const string RateLimitOption = "rate_limit";

    public static IReadOnlyList<ConnectorOption> Declared { get; } =
    [
        new(AuthHeaderOption, "认证请求头的名称，如 Authorization 或 X-Api-Key；设置了 auth_env 或 auth_secret_file 时才发送", "Authorization", Required: false),
        new(AuthPrefixOption, "认证值前缀，如 \"Bearer \"（注意空格）；默认无前缀", null, Required: false),
        new(AuthEnvOption, "保存密钥（API key、令牌）的环境变量名；密钥本身不得写在定义文件里", null, Required: false),
        new(AuthSecretFileOption, "保存密钥的文件路径（相对于定义文件所在目录），文件只含密钥一行；与 auth_env 二选一", null, Required: false),
        new(TimeoutOption, "单次请求的超时秒数，1 到 600；超时按临时故障重试", "30", Required: false),
        new(MaxRetriesOption, "遇到 429、5xx、超时或连接失败时的最多重试次数，0 到 10（退避时间按指数增长，服务器给出 Retry-After 时以其为准）", "4", Required: false),
        new(RetryDelayOption, "第一次重试前的等待毫秒数，之后每次翻倍（加随机抖动），1 到 60000", "500", Required: false),
        new(MaxRetryAfterOption, "服务器要求等待（Retry-After）的上限秒数，超过时按上限等待，1 到 3600", "60", Required: false),
        new(RateLimitOption, "每秒最多发出的请求数（如 5 或 0.5），遵守对方接口的限流约定；默认不限", null, Required: false),
    ];

    public static HttpSourceOptions From(SourceConfig config)
    {
        var header = config.Option(AuthHeaderOption) is { Length: > 0 } h ? h.Trim() : "Authorization";
        var prefix = config.Option(AuthPrefixOption) ?? "";
        var (value, origin) = ReadSecret(config);
        return new HttpSourceOptions(
            config.SourceId,
            value is null ? null : header,
            value is null ? null : prefix + value,
            origin,
            TimeSpan.FromSeconds(Number(config, TimeoutOption, 30, 1, 600)),
            (int)Number(config, MaxRetriesOption, 4, 0, 10),
            TimeSpan.FromMilliseconds(Number(config, RetryDelayOption, 500, 1, 60_000)),
            TimeSpan.FromSeconds(Number(config, MaxRetryAfterOption, 60, 1, 3600)),
            config.Option(RateLimitOption) is { Length: > 0 } ? Number(config, RateLimitOption, 0, 0.01, 10_000) : null);
    }

    /// <summary>The secret from the environment variable or file the source names; null when the source uses none.</summary>
    private static (string? Value, string? Origin) ReadSecret(SourceConfig config)
    {
        var env = config.Option(AuthEnvOption);
        var file = config.Option(AuthSecretFileOption);
        if (!string.IsNullOrWhiteSpace(env) && !string.IsNullOrWhiteSpace(file))
            throw Invalid(config, AuthEnvOption, "auth_env 与 auth_secret_file 只能设置一个", "删去其中一个");
        if (!string.IsNullOrWhiteSpace(env))
        {
            var value = Environment.GetEnvironmentVariable(env.Trim());
            if (string.IsNullOrWhiteSpace(value))
                throw new ConnectorException(ConnectorFailure.Config, "HTTP_SECRET_MISSING",
                    $"数据源“{config.SourceId}”的密钥所在环境变量 {env.Trim()} 未设置或为空",
                    $"数据源 {config.SourceId} 的 connector.{AuthEnvOption}",
                    $"在运行 DataHub 的账户下设置环境变量 {env.Trim()}（值为对方提供的密钥），再重新运行");
            return (value.Trim(), $"环境变量 {env.Trim()}");
        }
        if (!string.IsNullOrWhiteSpace(file))
        {
            var path = config.ResolvePath(AuthSecretFileOption);
            if (!File.Exists(path))
                throw new ConnectorException(ConnectorFailure.Config, "HTTP_SECRET_MISSING",
                    $"数据源“{config.SourceId}”的密钥文件不存在", path,
                    $"把对方提供的密钥写入该文件（只含一行），或改正 connector.{AuthSecretFileOption}");
            var value = File.ReadAllText(path).Trim();
            if (value.Length == 0)
                throw new ConnectorException(ConnectorFailure.Config, "HTTP_SECRET_MISSING",
                    $"数据源“{config.SourceId}”的密钥文件是空的", path, "把对方提供的密钥写入该文件（只含一行）");
            return (value, $"密钥文件 {path}");
        }
        return (null, null);
    }

    private static double Number(SourceConfig config, string option, double fallback, double min, double max)
    {
        var raw = config.Option(option);
        if (raw is null || raw.Trim().Length == 0) return fallback;
        if (!double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || value < min || value > max)
            throw Invalid(config, option, $"值“{raw}”无效", $"填写 {min.ToString(CultureInfo.InvariantCulture)} 到 {max.ToString(CultureInfo.InvariantCulture)} 之间的数");
        return value;
    }

    public static ConnectorException Invalid(SourceConfig config, string option, string problem, string fix) =>
        new(ConnectorFailure.Config, "HTTP_OPTION_INVALID", $"数据源“{config.SourceId}”的连接器选项 {option}：{problem}",
            $"数据源 {config.SourceId} 的 connector.{option}", fix);

    /// <summary>An absolute http(s) URL option.</summary>
    public static Uri Url(SourceConfig config, string option)
    {
        var raw = config.RequireOption(option).Trim();
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw Invalid(config, option, $"“{raw}”不是 http 或 https 地址", "填写完整地址，如 https://api.example.gov.cn/v1/enterprises");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw Invalid(config, option, "地址中不能含用户名或密码", "用 auth_env 或 auth_secret_file 提供密钥");
        return uri;
    }
}
