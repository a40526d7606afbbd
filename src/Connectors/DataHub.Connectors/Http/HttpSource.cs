using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DataHub.Connectors.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace DataHub.Connectors.Http;

/// <summary>
/// GETs JSON documents from one HTTP source: the auth header, a pace that respects the declared
/// rate limit, per-attempt timeouts and retries with exponential backoff for what a retry can fix
/// (429, 5xx, timeouts, refused connections) and nothing else. Every failure becomes a
/// <see cref="ConnectorException"/> whose message says what, where and how to fix; URLs are named,
/// secrets and response bodies never.
/// </summary>
internal sealed class HttpSource : IDisposable
{
    private readonly HttpSourceOptions _options;
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _pace = new(1, 1);
    private DateTimeOffset _nextRequestAt = DateTimeOffset.MinValue;

    public HttpSource(HttpSourceOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        // One handler per read: connections close when the read ends, nothing stays open after a cancel.
        _client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.Timeout, AutomaticDecompression = DecompressionMethods.All })
        {
            Timeout = Timeout.InfiniteTimeSpan, // the pipeline's per-attempt timeout applies instead
        };
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("DataHub", "1.0"));
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryAfter,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
            });
        }
        _pipeline = builder.AddTimeout(options.Timeout).Build();
        MaxRetries = options.MaxRetries;
    }

    private int MaxRetries { get; }

    /// <summary>Requests made so far (first attempts and retries), for tests and the bench.</summary>
    public int Attempts { get; private set; }

    /// <summary>
    /// GETs <paramref name="url"/> and parses the body as JSON. <paramref name="what"/> names the
    /// request for people (e.g. "第3页"). The caller disposes the document.
    /// </summary>
    public async Task<JsonDocument> GetJsonAsync(Uri url, string what, CancellationToken cancellationToken)
    {
        var bytes = await GetBytesAsync(url, what, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw MalformedJson(url, what, e);
        }
    }

    /// <summary>GETs <paramref name="url"/> and returns the body of a successful response.</summary>
    public async Task<byte[]> GetBytesAsync(Uri url, string what, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            response = await _pipeline.ExecuteAsync(async ctx =>
            {
                await PaceAsync(ctx.CancellationToken).ConfigureAwait(false);
                Attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (_options.AuthHeader is not null) request.Headers.TryAddWithoutValidation(_options.AuthHeader, _options.AuthValue);
                return await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ctx.CancellationToken).ConfigureAwait(false);
            }, context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException e)
        {
            throw new ConnectorException(ConnectorFailure.Transient, "HTTP_TIMEOUT",
                $"请求{what}超时（{_options.Timeout.TotalSeconds:0} 秒内无响应，已重试 {MaxRetries} 次）", Where(url),
                "稍后重试；对方系统持续缓慢时请增大 timeout_seconds，或联系对方确认接口状态", e);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectorException(ConnectorFailure.Transient, "HTTP_UNREACHABLE",
                $"无法连接数据源“{_options.SourceId}”的服务器 {url.Host}:{url.Port}（{Reason(e)}，已重试 {MaxRetries} 次）", Where(url),
                "检查地址与端口是否正确、对方服务是否在运行、网络或防火墙是否放行；确认后重新运行", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
                return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            throw StatusFailure(url, what, response.StatusCode);
        }
    }

    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        if (_options.RateLimit is not { } perSecond) return;
        await _pace.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_nextRequestAt > now) await Task.Delay(_nextRequestAt - now, _time, cancellationToken).ConfigureAwait(false);
            var start = _time.GetUtcNow();
            _nextRequestAt = start + TimeSpan.FromSeconds(1 / perSecond);
        }
        finally
        {
            _pace.Release();
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <summary>The server's Retry-After (seconds or a date), capped; null lets the backoff decide.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter) return null;
        var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - _time.GetUtcNow() : null);
        if (wait is null) return null;
        if (wait < TimeSpan.Zero) return TimeSpan.Zero;
        return wait > _options.MaxRetryAfter ? _options.MaxRetryAfter : wait;
    }

    private ConnectorException StatusFailure(Uri url, string what, HttpStatusCode status)
    {
        var code = (int)status;
        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ConnectorException(ConnectorFailure.Config, "HTTP_UNAUTHORIZED",
                $"数据源“{_options.SourceId}”拒绝了认证（HTTP {code}）：{(_options.AuthOrigin is null ? "没有发送密钥" : $"{_options.AuthOrigin} 中的密钥无效或已过期")}",
                Where(url),
                _options.AuthOrigin is null
                    ? "向对方申请密钥，放入环境变量或密钥文件，并在 connector 中设置 auth_env 或 auth_secret_file（以及 auth_header、auth_prefix）"
                    : $"检查{_options.AuthOrigin}中的密钥是否正确、是否过期，以及 auth_header / auth_prefix 是否符合对方要求"),
            HttpStatusCode.NotFound => new ConnectorException(ConnectorFailure.Config, "HTTP_NOT_FOUND",
                $"{what}的地址不存在（HTTP 404）", Where(url), "检查 url / base_url 是否与对方接口文档一致"),
            _ when IsTransient(status) => new ConnectorException(ConnectorFailure.Transient, "HTTP_SERVER_ERROR",
                $"数据源“{_options.SourceId}”的服务器持续出错（HTTP {code}，已重试 {MaxRetries} 次）", Where(url),
                "对方系统暂时不可用：稍后重新运行；持续出错请联系对方系统管理员"),
            _ => new ConnectorException(ConnectorFailure.Config, "HTTP_STATUS",
                $"{what}被服务器拒绝（HTTP {code}）", Where(url), "检查请求参数（分页、增量参数名）是否与对方接口文档一致"),
        };
    }

    private ConnectorException MalformedJson(Uri url, string what, JsonException e) =>
        // Only the position: the body may hold personal data.
        new(ConnectorFailure.Data, "HTTP_MALFORMED_JSON",
            $"{what}的响应不是有效的 JSON（第 {(e.LineNumber ?? 0) + 1} 行第 {(e.BytePositionInLine ?? 0) + 1} 个字节处出错）",
            Where(url), "对方接口返回了损坏或被截断的内容：稍后重试；持续出现请把时间和地址告知对方系统管理员");

    private string Where(Uri url) => $"数据源 {_options.SourceId}，{url.GetLeftPart(UriPartial.Path)}";

    private static string Reason(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "域名无法解析",
        HttpRequestError.ConnectionError => "连接被拒绝或无法建立",
        HttpRequestError.SecureConnectionError => "TLS 握手失败",
        HttpRequestError.ResponseEnded => "连接被对方中断",
        _ => "网络错误",
    };

    public void Dispose()
    {
        _client.Dispose();
        _pace.Dispose();
    }
}
