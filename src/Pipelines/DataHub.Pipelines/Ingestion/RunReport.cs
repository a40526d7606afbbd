using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// What one run did. Every input row is accounted for: <c>RowsRead = Accepted + Quarantined + Duplicates</c>.
/// <see cref="QuarantinedByReason"/> counts rows per reason code (a row with two problems counts under both).
/// </summary>
public sealed record RunReport
{
    public required string RunId { get; init; }
    public required string SourceId { get; init; }
    public required string Dataset { get; init; }
    public required string Status { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public long RowsRead { get; init; }
    public long Accepted { get; init; }
    public long Quarantined { get; init; }
    public long Duplicates { get; init; }
    public IReadOnlyDictionary<string, long> QuarantinedByReason { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> Warnings { get; init; } = new Dictionary<string, long>();
    public long? Version { get; init; }
    public string? QuarantineFile { get; init; }
    public string? ErrorCode { get; init; }
    public string? Error { get; init; }
    public string? ErrorWhere { get; init; }
    public string? ErrorFix { get; init; }

    /// <summary>Why the run failed (<c>config</c>, <c>data</c>, <c>transient</c>, <c>system</c>): a scheduler retries only <c>transient</c>.</summary>
    public string? FailureKind { get; init; }

    public bool Succeeded => Status == "succeeded";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The report as a person reads it in a terminal (zh-CN).</summary>
    public string ToText()
    {
        var lines = new List<string>
        {
            $"数据源 {SourceId} → 数据集 {Dataset}（运行 {RunId}）：{(Succeeded ? "成功" : "失败")}",
            $"  读取 {RowsRead} 行 = 接收 {Accepted} + 隔离 {Quarantined} + 重复 {Duplicates}",
        };
        foreach (var (code, n) in QuarantinedByReason.OrderByDescending(kv => kv.Value)) lines.Add($"  隔离原因 {code}: {n}");
        foreach (var (code, n) in Warnings.OrderByDescending(kv => kv.Value)) lines.Add($"  质量警告 {code}: {n}");
        if (Version is not null) lines.Add($"  已发布版本 v{Version}");
        if (QuarantineFile is not null && Quarantined > 0) lines.Add($"  隔离明细：{QuarantineFile}");
        if (Error is not null)
        {
            lines.Add($"  错误 [{ErrorCode}]：{Error}");
            if (ErrorWhere is not null) lines.Add($"  位置：{ErrorWhere}");
            if (ErrorFix is not null) lines.Add($"  处理办法：{ErrorFix}");
            lines.Add("  未发布新版本，继续提供上一版本。");
        }
        return string.Join('\n', lines);
    }
}
