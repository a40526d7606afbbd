using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// What one run did. Every input row is accounted for:
/// <c>RowsRead = Accepted + Quarantined + Duplicates + DeletionsRead</c> (deletion records come only
/// from sources that report deletions). For an incremental run, <c>Accepted = Inserted + Updated</c>
/// and the version holds the previous rows of the source with those changes and <c>Deleted</c> rows removed.
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

    /// <summary><c>full</c>: the version is exactly the rows read; <c>incremental</c>: the changes were merged into the previous rows.</summary>
    public string Mode { get; init; } = "full";
    public long DeletionsRead { get; init; }
    public long? Inserted { get; init; }
    public long? Updated { get; init; }
    public long? Deleted { get; init; }
    public long? VersionRows { get; init; }

    /// <summary>The columns the source offered at this run (name and declared type), compared at the next run.</summary>
    public IReadOnlyList<ColumnInfo>? SourceColumns { get; init; }
    public SchemaDrift? SchemaDrift { get; init; }

    /// <summary>What the connector says about how it read the source (e.g. hidden Excel columns skipped).</summary>
    public IReadOnlyList<string>? SourceNotes { get; init; }

    /// <summary>The raw zone file holding every record this run read.</summary>
    public string? RawFile { get; init; }
    public int Attempts { get; init; } = 1;

    /// <summary>Codes of the transient failures retried before the final attempt.</summary>
    public IReadOnlyList<string>? RetriedFailures { get; init; }
    public string? ErrorCode { get; init; }
    public string? Error { get; init; }
    public string? ErrorWhere { get; init; }
    public string? ErrorFix { get; init; }

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
        if (DeletionsRead > 0) lines[^1] += $" + 删除记录 {DeletionsRead}";
        if (Mode == "incremental" && Inserted is not null)
            lines.Add($"  增量：新增 {Inserted}，更新 {Updated}，删除 {Deleted}；新版本共 {VersionRows} 行");
        foreach (var (code, n) in QuarantinedByReason.OrderByDescending(kv => kv.Value)) lines.Add($"  隔离原因 {code}: {n}");
        foreach (var (code, n) in Warnings.OrderByDescending(kv => kv.Value)) lines.Add($"  质量警告 {code}: {n}");
        if (Version is not null) lines.Add($"  已发布版本 v{Version}");
        if (QuarantineFile is not null && Quarantined > 0) lines.Add($"  隔离明细：{QuarantineFile}");
        if (SchemaDrift is { } drift)
        {
            if (drift.NewColumns.Count > 0) lines.Add($"  源数据新增列（未映射，已保存在原始区）：{string.Join("、", drift.NewColumns)}");
            if (drift.RemovedColumns.Count > 0) lines.Add($"  源数据不再有的列（未映射）：{string.Join("、", drift.RemovedColumns)}");
            foreach (var t in drift.TypeChanges) lines.Add($"  列类型变化：{t.Column} {t.Before} → {t.After}");
        }
        foreach (var note in SourceNotes ?? []) lines.Add($"  读取说明：{note}");
        if (RawFile is not null) lines.Add($"  原始数据：{RawFile}");
        if (Attempts > 1) lines.Add($"  重试 {Attempts - 1} 次后完成（{string.Join("、", RetriedFailures ?? [])}）");
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

/// <summary>A source column as a run report records it.</summary>
public sealed record ColumnInfo(string Name, string? Type);

/// <summary>How the source's columns changed since the last successful run of the same source.</summary>
public sealed record SchemaDrift(IReadOnlyList<string> NewColumns, IReadOnlyList<string> RemovedColumns, IReadOnlyList<TypeChange> TypeChanges)
{
    [JsonIgnore]
    public bool IsEmpty => NewColumns.Count == 0 && RemovedColumns.Count == 0 && TypeChanges.Count == 0;
}

public sealed record TypeChange(string Column, string? Before, string? After);
