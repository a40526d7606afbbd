using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// What one run did. Every input row is accounted for:
/// <c>RowsRead = Accepted + Quarantined + Duplicates + DeletionsRead</c> once the run got past
/// de-duplication (a run that failed earlier says at which stage instead; deletion records come only
/// from sources that report deletions). For an incremental run, <c>Accepted = Inserted + Updated</c>
/// and the version holds the previous rows of the source with those changes and <c>Deleted</c> rows removed.
/// <see cref="QuarantinedByReason"/> counts rows per reason code (a row with two problems counts under both);
/// <see cref="FieldIssues"/> counts values set to null by a field rule in rows that were kept.
/// </summary>
public sealed record RunReport
{
    public required string RunId { get; init; }
    public required string SourceId { get; init; }
    public required string Dataset { get; init; }

    /// <summary><c>succeeded</c>, <c>failed</c>, <c>held</c> (a publish guard stopped it) or <c>unchanged</c> (same input as the current part).</summary>
    public required string Status { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public long RowsRead { get; init; }
    public long Accepted { get; init; }
    public long Quarantined { get; init; }
    public long Duplicates { get; init; }

    /// <summary>Whether the counts are final (de-duplication finished) so the equation holds.</summary>
    public bool Counted { get; init; }

    /// <summary>The stage a failed run stopped in (读取、校验入库、去重写出、复核、发布).</summary>
    public string? Stage { get; init; }
    public IReadOnlyDictionary<string, long> QuarantinedByReason { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> FieldIssues { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> Warnings { get; init; } = new Dictionary<string, long>();

    /// <summary>Warnings of the connector about the read as a whole (e.g. <c>CSV_TRUNCATED</c>), zh-CN.</summary>
    public IReadOnlyList<string> ConnectorWarnings { get; init; } = [];

    /// <summary>Shared fields this source declares it does not supply (<c>not_supplied: true</c>): null in its rows.</summary>
    public IReadOnlyList<string> NotSupplied { get; init; } = [];

    /// <summary>The division codes this source's part covers, and whether the source declared them (else: its first run's divisions).</summary>
    public IReadOnlyList<string> Scope { get; init; } = [];
    public bool ScopeDeclared { get; init; }

    /// <summary>Rows sharing a natural key with another row but disagreeing on identity fields (both kept in the quarantine file with their lines).</summary>
    public long KeyConflicts { get; init; }

    /// <summary>The figures of this source's part in the current version, side by side with this run's (null on a first run).</summary>
    public long? PreviousRowsRead { get; init; }
    public long? PreviousAccepted { get; init; }
    public long? PreviousVersion { get; init; }

    /// <summary>Why a publish guard held the run (zh-CN), or why it would have, when <see cref="Forced"/>.</summary>
    public IReadOnlyList<string> HoldReasons { get; init; } = [];
    public bool Forced { get; init; }
    public long? Version { get; init; }
    public string? QuarantineFile { get; init; }
    public string? FieldIssueFile { get; init; }

    /// <summary>
    /// <c>full</c>: the version is exactly the rows read; <c>incremental</c>: the changes were merged into the previous rows;
    /// <c>reprocess</c>: the quarantined rows of run <see cref="ReprocessOf"/> were normalised again with the current
    /// mapping (<see cref="RowsRead"/> = rows reprocessed) and those that pass merged into the source's part.
    /// </summary>
    public string Mode { get; init; } = "full";

    /// <summary>For a reprocess: the run whose quarantine file was reprocessed (this run's quarantine file replaces it).</summary>
    public string? ReprocessOf { get; init; }
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

    /// <summary>Wall-clock seconds per stage of the run, in the order they ran (zh-CN stage names; see docs/PUBLISHING.md).</summary>
    public IReadOnlyDictionary<string, double>? Timings { get; init; }

    /// <summary>Process CPU seconds of the stages <see cref="Timings"/> timed as a whole (near 2× the wall time on 2 cores: both busy).</summary>
    public IReadOnlyDictionary<string, double>? CpuTimings { get; init; }

    /// <summary>Codes of the transient failures retried before the final attempt.</summary>
    public IReadOnlyList<string>? RetriedFailures { get; init; }
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

    public static RunReport? FromJson(string json) => JsonSerializer.Deserialize<RunReport>(json, Json);

    /// <summary>The report as a person reads it in a terminal (zh-CN).</summary>
    public string ToText()
    {
        var status = Status switch
        {
            "succeeded" => "成功",
            "held" => "已暂停发布，等待审核",
            "unchanged" when Mode == "reprocess" => "重新处理后没有新通过校验的行，未发布新版本",
            "unchanged" => "输入未变化，未发布新版本",
            "rejected" => "已驳回",
            _ => "失败",
        };
        var lines = new List<string> { $"数据源 {SourceId} → 数据集 {Dataset}（运行 {RunId}）：{status}" };
        // Only an equation that balances is printed: before de-duplication finished the counts are partial.
        if (Mode == "reprocess" && Counted && RowsRead == Accepted + Quarantined + Duplicates)
            lines.Add($"  重新处理运行 {ReprocessOf} 的隔离行 {RowsRead} 行 = 现已接收 {Accepted} + 仍隔离 {Quarantined} + 重复 {Duplicates}");
        else if (Status == "unchanged")
            lines.Add(RowsRead == 0 ? "  增量为空：源系统自上次运行以来没有变化" : $"  读取 {RowsRead} 行，与当前版本中本数据源的输入完全相同");
        else if (Counted && RowsRead == Accepted + Quarantined + Duplicates + DeletionsRead)
            lines.Add($"  读取 {RowsRead} 行 = 接收 {Accepted} + 隔离 {Quarantined} + 重复 {Duplicates}" + (DeletionsRead > 0 ? $" + 删除记录 {DeletionsRead}" : ""));
        else
            lines.Add($"  已读取 {RowsRead} 行{(Stage is null ? "" : $"，在“{Stage}”阶段停止")}；行数未核对完，不构成结果");
        if (Mode == "reprocess" && Inserted is not null)
            lines.Add($"  并入本数据源部分：新增 {Inserted}，替换已发布的旧行 {Updated}；本数据源部分共 {VersionRows} 行");
        if (Mode == "incremental" && Inserted is not null)
            lines.Add($"  增量：新增 {Inserted}，更新 {Updated}，删除 {Deleted}；新版本共 {VersionRows} 行");
        foreach (var (code, n) in QuarantinedByReason.OrderByDescending(kv => kv.Value)) lines.Add($"  隔离原因 {code}: {n}");
        if (KeyConflicts > 0) lines.Add($"  主键冲突（同一身份号码、身份信息不一致）：{KeyConflicts} 行，均保留在隔离明细中，按规则保留最新一条");
        foreach (var (code, n) in FieldIssues.OrderByDescending(kv => kv.Value))
            lines.Add(code == Normalization.CommunityFromAddress.Warning
                ? $"  字段问题 {code}: {n}（社区代码为空，已按标准地址补全，记录保留）"
                : $"  字段问题 {code}: {n}（该字段置空，记录保留）");
        foreach (var (code, n) in Warnings.OrderByDescending(kv => kv.Value)) lines.Add($"  质量警告 {code}: {n}");
        foreach (var w in ConnectorWarnings) lines.Add($"  读取警告：{w}");
        if (NotSupplied.Count > 0) lines.Add($"  本数据源不提供的字段（保持为空）：{string.Join("、", NotSupplied)}");
        if (Scope.Count > 0) lines.Add($"  本数据源负责的区划：{string.Join("、", Scope)}{(ScopeDeclared ? "" : "（未声明，按首次运行的数据确定）")}");
        if (PreviousAccepted is not null && Status != "unchanged")
            lines.Add(Mode is "incremental" or "reprocess"
                ? $"  与当前版本 v{PreviousVersion} 中本数据源部分对比：行数 {PreviousAccepted} → {VersionRows}"
                : $"  与当前版本 v{PreviousVersion} 中本数据源部分对比：读取 {PreviousRowsRead} → {RowsRead}，接收 {PreviousAccepted} → {Accepted}");
        foreach (var r in HoldReasons) lines.Add($"  {(Forced ? "已强制发布（--force），忽略" : "暂停原因")}：{r}");
        if (Status == "held") lines.Add($"  审核后发布：datahub runs approve {RunId}；放弃：datahub runs reject {RunId}");
        if (Version is not null) lines.Add($"  已发布版本 v{Version}");
        if (QuarantineFile is not null && Quarantined > 0) lines.Add($"  隔离明细：{QuarantineFile}");
        if (FieldIssueFile is not null && FieldIssues.Count > 0) lines.Add($"  字段问题明细：{FieldIssueFile}");
        if (SchemaDrift is { } drift)
        {
            if (drift.NewColumns.Count > 0) lines.Add($"  源数据新增列（未映射，已保存在原始区）：{string.Join("、", drift.NewColumns)}");
            if (drift.RemovedColumns.Count > 0) lines.Add($"  源数据不再有的列（未映射）：{string.Join("、", drift.RemovedColumns)}");
            foreach (var t in drift.TypeChanges) lines.Add($"  列类型变化：{t.Column} {t.Before} → {t.After}");
        }
        foreach (var note in SourceNotes ?? []) lines.Add($"  读取说明：{note}");
        if (RawFile is not null) lines.Add($"  原始数据：{RawFile}");
        if (Timings is { Count: > 0 } spent && spent.Values.Sum() > 0)
            lines.Add("  用时：" + string.Join("，", spent.Select(kv => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0.0} 秒"))));
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
