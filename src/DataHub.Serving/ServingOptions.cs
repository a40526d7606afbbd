using DataHub.Core;
using DataHub.Core.Failures;

namespace DataHub.Serving;

/// <summary>Options of the OData serving layer. Defaults are documented per property; <see cref="Validate"/> runs at startup.</summary>
public sealed class ServingOptions
{
    /// <summary>Rows per page when the client states no preference. Default 5,000 (EXCEL-ODATA.md rule 14).</summary>
    public int PageSize { get; set; } = 5000;

    /// <summary>Upper bound on <c>Prefer: odata.maxpagesize</c> and on a host's page size override. Default 20,000.</summary>
    public int MaxPageSize { get; set; } = 20_000;

    /// <summary>Longest request URI accepted (414 above it). Default 32 KiB; at least 8 KiB (rule 21).</summary>
    public int MaxRequestUriLength { get; set; } = 32 * 1024;

    /// <summary>Most <c>$orderby</c> keys accepted (the key is appended on top). Default 8.</summary>
    public int MaxOrderByKeys { get; set; } = 8;

    /// <summary>DuckDB <c>memory_limit</c>, e.g. <c>1GB</c>. Default 1GB (DuckDB's own default takes 80% of RAM).</summary>
    public string MemoryLimit { get; set; } = "1GB";

    /// <summary>DuckDB <c>threads</c>. Default 2.</summary>
    public int Threads { get; set; } = 2;

    /// <summary>Query workers: dedicated threads, each with one long-lived DuckDB connection. Default 4 (DuckDB parallelises inside a query too, over <see cref="Threads"/>).</summary>
    public int QueryWorkers { get; set; } = 4;

    /// <summary>
    /// Nice value added to the query, download and sort workers and to DuckDB's own threads on Linux
    /// (elsewhere ignored), so the web's threads (health checks, quick 503s) win the CPU from them.
    /// Default 0 (off): nice is relative to every process on the machine, so on a shared host it
    /// also gives the feed's DuckDB work away to other programs (one feed-http run at +5 on the shared
    /// development machine: a community page at 1.1× of the textbook stack's time, against 0.6× in the
    /// run before it without). Consider 3-5 on a node of its own.
    /// </summary>
    public int WorkerNice { get; set; }

    /// <summary>Queries that may wait for a worker; beyond it a request is answered 503 with Retry-After. Default 64.</summary>
    public int MaxQueuedQueries { get; set; } = 64;

    /// <summary>Longest a query may wait for a worker before it is answered 503 instead. Default 10 s.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time budget of one request's DuckDB work (count, window and page; a key lookup; an <c>$apply</c> page); DuckDB is interrupted past it and the answer is 503 <c>QUERY_TIMEOUT</c>. Default 30 s.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Feed and <c>/$count</c> requests admitted at once per node, from the first query until the body
    /// has been sent; beyond it 503 <c>SERVER_BUSY</c> with Retry-After, before memory or latency
    /// degrade. Default 48.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 48;

    /// <summary>
    /// Downloads (<c>$format=csv|xlsx|parquet|arrow</c>) admitted at once per node. Each runs on a
    /// download worker of its own (a dedicated thread with its own DuckDB connection, as many as this
    /// number), never on a query worker and never in a page's admission slot: a download may hold its
    /// worker for as long as its client reads, and must not starve the pages. Beyond it 503
    /// <c>SERVER_BUSY</c> with Retry-After. Default 2.
    /// </summary>
    public int MaxConcurrentDownloads { get; set; } = 2;

    /// <summary>
    /// Time budget of one download's DuckDB work, streaming included (a CSV or Arrow download produces
    /// its rows while the client reads them); past it DuckDB is interrupted: 503 <c>QUERY_TIMEOUT</c>
    /// before the first byte, a cut connection after. Default 10 minutes.
    /// </summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Sorted copies kept per node: a copy of a dataset version's rows physically sorted in one
    /// <c>$orderby</c> of plain columns, built in the background the first time a wide scope asks for
    /// that order, so later pages (and later refreshes) read a few row groups in order instead of
    /// decoding every row group of the version for a top-N. Least recently used copies are deleted
    /// beyond this number. Default 4; 0 turns sorted copies off.
    /// </summary>
    public int SortedCopies { get; set; } = 4;

    /// <summary>Versions with fewer rows get no sorted copy (a top-N over them is cheap anyway). Default 100,000.</summary>
    public long SortedCopyMinRows { get; set; } = 100_000;

    /// <summary>Folder for the sorted copies (the host uses cache/sorted-copies in the data folder); a fresh folder under the system temp folder when null. Each engine writes to its own owner-only subfolder, deleted when it stops; subfolders left by ended processes are deleted at start.</summary>
    public string? SortedCopyDirectory { get; set; }

    /// <summary>Time budget of building one sorted copy (DuckDB is interrupted past it and no copy is made). Default 30 minutes.</summary>
    public TimeSpan SortedCopyTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Seconds announced in <c>Retry-After</c> of a 503. Default 2.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>Bytes one page may buffer; a page that reaches it ends early with a nextLink (server-driven paging). Default 8 MiB.</summary>
    public int MaxPageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Most nodes in the <c>$filter</c> and <c>$orderby</c> expressions of one request (400 <c>QUERY_TOO_COMPLEX</c> above). Default 2,000 (a list of about 500 values folded into eq/or).</summary>
    public int MaxExpressionNodes { get; set; } = 2000;

    /// <summary>Deepest nesting of those expressions (400 <c>QUERY_TOO_COMPLEX</c> above). Default 40.</summary>
    public int MaxExpressionDepth { get; set; } = 40;

    /// <summary>Adds a <c>Server-Timing</c> header with the request's stages (for the benchmark and diagnostics). Default off.</summary>
    public bool ServerTiming { get; set; }

    /// <summary>
    /// Server secret, at least 32 characters, required. Keys the <c>hash</c> mask (so hashed columns
    /// still join, but cannot be reversed by hashing guesses) and signs skiptokens. Changing it changes
    /// every hashed value and invalidates paging in progress.
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>Throws a config <see cref="DataHubException"/> naming the first bad option.</summary>
    public void Validate()
    {
        static DataHubException Bad(string option, string message) =>
            new(FailureKind.Config, "SERVING_OPTIONS_INVALID", message, where: $"ServingOptions.{option}");

        if (MaxPageSize < 1) throw Bad(nameof(MaxPageSize), "最大分页行数必须大于 0。");
        if (PageSize < 1 || PageSize > MaxPageSize) throw Bad(nameof(PageSize), $"分页行数必须在 1 到 {MaxPageSize} 之间。");
        if (MaxRequestUriLength < 8192) throw Bad(nameof(MaxRequestUriLength), "请求地址长度上限不得小于 8192（Excel 的查询地址可能很长）。");
        if (MaxOrderByKeys < 1) throw Bad(nameof(MaxOrderByKeys), "排序字段个数上限必须大于 0。");
        if (!DuckDbMemorySize.IsValid(MemoryLimit)) throw Bad(nameof(MemoryLimit), "DuckDB 内存上限格式应如 512MB、1GB。");
        if (Threads is < 1 or > 256) throw Bad(nameof(Threads), "DuckDB 线程数必须在 1 到 256 之间。");
        if (WorkerNice is < 0 or > 19) throw Bad(nameof(WorkerNice), "DuckDB 线程优先级调整值必须在 0 到 19 之间。");
        if (QueryWorkers is < 1 or > 64) throw Bad(nameof(QueryWorkers), "查询工作线程数必须在 1 到 64 之间。");
        if (MaxQueuedQueries < 1) throw Bad(nameof(MaxQueuedQueries), "查询队列长度必须大于 0。");
        if (QueueTimeout <= TimeSpan.Zero) throw Bad(nameof(QueueTimeout), "查询排队超时必须大于 0。");
        if (QueryTimeout <= TimeSpan.Zero) throw Bad(nameof(QueryTimeout), "查询超时必须大于 0。");
        if (MaxConcurrentRequests < 1) throw Bad(nameof(MaxConcurrentRequests), "并发请求上限必须大于 0。");
        if (MaxConcurrentDownloads is < 1 or > 16) throw Bad(nameof(MaxConcurrentDownloads), "同时下载数上限必须在 1 到 16 之间。");
        if (DownloadTimeout <= TimeSpan.Zero) throw Bad(nameof(DownloadTimeout), "下载超时必须大于 0。");
        if (SortedCopies is < 0 or > 64) throw Bad(nameof(SortedCopies), "排序副本个数必须在 0 到 64 之间。");
        if (SortedCopyMinRows < 0) throw Bad(nameof(SortedCopyMinRows), "排序副本的最少行数不能为负。");
        if (SortedCopyTimeout <= TimeSpan.Zero) throw Bad(nameof(SortedCopyTimeout), "排序副本构建超时必须大于 0。");
        if (MaxPageBytes < 64 * 1024) throw Bad(nameof(MaxPageBytes), "单页缓冲上限不得小于 64 KiB。");
        if (MaxExpressionNodes < 10 || MaxExpressionDepth < 5) throw Bad(nameof(MaxExpressionNodes), "表达式复杂度上限过小（节点数至少 10，嵌套深度至少 5）。");
        if (Secret.Length < 32) throw Bad(nameof(Secret), "服务密钥至少 32 个字符（用于哈希脱敏和分页标记签名）。");
    }
}
