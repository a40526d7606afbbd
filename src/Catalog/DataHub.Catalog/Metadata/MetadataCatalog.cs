using System.Globalization;
using System.Text.Json;
using DataHub.Catalog.Changes;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Storage;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using static DataHub.Catalog.Storage.CatalogDatabase;

namespace DataHub.Catalog.Metadata;

/// <summary>
/// Catalog metadata per 政务信息资源目录, edited by stewards. Each edit is a new version with who
/// and when (never an update in place), recorded in the catalog-change audit and signalled as
/// <see cref="ChangeKind.Metadata"/>.
/// </summary>
public sealed class MetadataCatalog(CatalogDatabase db, TimeProvider time, DatasetCatalog datasets, CatalogChangeLog changes)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The editable keys (CLI <c>--key value</c>, UI form names) with their zh-CN labels.</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["classification"] = "信息资源分类",
        ["theme"] = "主题",
        ["resource-code"] = "信息资源代码",
        ["provider"] = "信息资源提供方",
        ["provider-code"] = "提供方代码",
        ["abstract"] = "信息资源摘要",
        ["format"] = "信息资源格式",
        ["share-type"] = "共享类型",
        ["share-condition"] = "共享条件",
        ["share-method"] = "共享方式",
        ["open"] = "是否向社会开放",
        ["open-condition"] = "开放条件",
        ["update-cycle"] = "更新周期",
        ["published"] = "发布日期",
        ["related"] = "关联资源代码",
    };

    /// <summary>The latest metadata of a dataset (the registration's when nobody has edited it), or null for an unknown dataset.</summary>
    public async Task<MetadataVersion?> GetAsync(string dataset, CancellationToken cancellationToken)
    {
        var entry = await datasets.GetAsync(dataset, cancellationToken);
        if (entry is null) return null;
        await using var conn = await db.OpenAsync(cancellationToken);
        var latest = (await QueryAsync(conn, null, Select + " WHERE dataset = @d ORDER BY version DESC LIMIT 1", [("d", entry.Name)], Map, cancellationToken)).FirstOrDefault();
        return latest ?? new MetadataVersion(entry.Name, 0, ResourceMetadata.From(entry), "registration", entry.UpdatedAt);
    }

    /// <summary>Every edit of a dataset's metadata, newest first.</summary>
    public async Task<IReadOnlyList<MetadataVersion>> HistoryAsync(string dataset, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken);
        return await QueryAsync(conn, null, Select + " WHERE dataset = @d ORDER BY version DESC", [("d", dataset)], Map, cancellationToken);
    }

    /// <summary>A steward sets some keys (see <see cref="Keys"/>); the result is stored as a new version.</summary>
    public async Task<MetadataVersion> SetAsync(string dataset, IReadOnlyDictionary<string, string> values, Principal steward, CancellationToken cancellationToken)
    {
        if (steward.Role != Role.Steward)
            throw Invalid("METADATA_FORBIDDEN", $"只有数据管理员可以编辑目录信息（{steward.Name} 不是）。", "用 --as 给出数据管理员的用户名。");
        var current = await GetAsync(dataset, cancellationToken)
            ?? throw Invalid("METADATA_DATASET_UNKNOWN", $"目录中没有数据集“{Short(dataset)}”。", "用数据集名称，如 population；先用 datahub ingest 入湖。");
        if (values.Count == 0) throw Invalid("METADATA_NOTHING", "没有给出要修改的项。", $"可修改：{string.Join("、", Keys.Select(k => $"--{k.Key}（{k.Value}）"))}。");
        var m = current.Metadata;
        foreach (var (key, raw) in values)
        {
            var value = raw.Trim();
            m = key switch
            {
                "classification" => m with { Classification = value },
                "theme" => m with { Theme = value },
                "resource-code" => m with { ResourceCode = Required(key, value) },
                "provider" => m with { ProviderName = Required(key, value) },
                "provider-code" => m with { ProviderCode = Required(key, value) },
                "abstract" => m with { Abstract = value },
                "format" => m with { Format = value },
                "share-type" => m with { ShareType = ShareTypes.All.Contains(value) ? value : throw Invalid("METADATA_SHARE_TYPE", $"共享类型“{Short(value)}”无效。", $"应为：{string.Join("、", ShareTypes.All)}。") },
                "share-condition" => m with { ShareCondition = value.Length == 0 ? null : value },
                "share-method" => m with { ShareMethod = value },
                "open" => m with { OpenToPublic = value switch { "是" or "yes" or "true" => true, "否" or "no" or "false" => false, _ => throw Invalid("METADATA_OPEN", $"“是否向社会开放”应为 是 或 否，给出的是“{Short(value)}”。", "用 --open 是 或 --open 否。") } },
                "open-condition" => m with { OpenCondition = value.Length == 0 ? null : value },
                "update-cycle" => m with { UpdateCycle = UpdateCycles.All.Contains(value) ? value : throw Invalid("METADATA_UPDATE_CYCLE", $"更新周期“{Short(value)}”无效。", $"应为：{string.Join("、", UpdateCycles.All)}。") },
                "published" => m with { PublishedOn = DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw Invalid("METADATA_DATE", $"发布日期“{Short(value)}”格式不对。", "应为 yyyy-MM-dd，如 2026-11-28。") },
                "related" => m with { RelatedResources = value.Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                _ => throw Invalid("METADATA_KEY", $"不认识的目录项“{Short(key)}”。", $"可修改：{string.Join("、", Keys.Keys)}。"),
            };
        }
        if (m.ShareType == ShareTypes.NotShared && string.IsNullOrWhiteSpace(m.ShareCondition))
            throw Invalid("METADATA_LEGAL_BASIS", "“不予共享”必须在共享条件中写明法律、行政法规或政策依据。", "用 --share-condition 写明依据。");

        var now = time.GetUtcNow();
        var version = current.Version + 1;
        var changed = string.Join("、", values.Keys.Select(k => Keys.GetValueOrDefault(k, k)));
        return await changes.RunAsync(ChangeKind.Metadata, async (conn, tx) =>
        {
            await ExecAsync(conn, tx, "INSERT INTO dataset_metadata (dataset, version, metadata_json, edited_by, edited_at) VALUES (@d, @v, @j, @by, @at)",
                [("d", current.Dataset), ("v", version), ("j", JsonSerializer.Serialize(m, Json)), ("by", steward.Name), ("at", Timestamp(now))], cancellationToken);
            return (new MetadataVersion(current.Dataset, version, m, steward.Name, now),
                new CatalogChange(now, steward.Name, "metadata", current.Dataset, "edit", $"第 {version} 版：{changed}"));
        }, cancellationToken);
    }

    /// <summary>One key's value as the CLI prints it and the UI's edit form shows it (the inverse of what <see cref="SetAsync"/> accepts).</summary>
    public static string ValueOf(ResourceMetadata m, string key) => key switch
    {
        "classification" => m.Classification,
        "theme" => m.Theme,
        "resource-code" => m.ResourceCode,
        "provider" => m.ProviderName,
        "provider-code" => m.ProviderCode,
        "abstract" => m.Abstract,
        "format" => m.Format,
        "share-type" => m.ShareType,
        "share-condition" => m.ShareCondition ?? "",
        "share-method" => m.ShareMethod,
        "open" => m.OpenToPublic ? "是" : "否",
        "open-condition" => m.OpenCondition ?? "",
        "update-cycle" => m.UpdateCycle,
        "published" => m.PublishedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        "related" => string.Join("、", m.RelatedResources),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not a metadata key."),
    };

    private const string Select = "SELECT dataset, version, metadata_json, edited_by, edited_at FROM dataset_metadata";

    private static MetadataVersion Map(System.Data.Common.DbDataReader r) => new(r.GetString(0), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
        JsonSerializer.Deserialize<ResourceMetadata>(r.GetString(2), Json)!, r.GetString(3), ParseTimestamp(r.GetString(4)));

    private static string Required(string key, string value) =>
        value.Length > 0 ? value : throw Invalid("METADATA_REQUIRED", $"“{Keys[key]}”不能为空。", $"用 --{key} 给出取值。");

    private static string Short(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private static DataHubException Invalid(string code, string message, string fix) => new(FailureKind.Config, code, message, fix: fix);
}
