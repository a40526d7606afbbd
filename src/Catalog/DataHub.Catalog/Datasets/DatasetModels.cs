namespace DataHub.Catalog.Datasets;

/// <summary>共享类型 of the government data-resource catalog.</summary>
public static class ShareTypes
{
    public const string Unconditional = "无条件共享";
    public const string Conditional = "有条件共享";
    public const string NotShared = "不予共享";

    public static readonly IReadOnlyList<string> All = [Unconditional, Conditional, NotShared];
}

/// <summary>更新周期 of the catalog.</summary>
public static class UpdateCycles
{
    public static readonly IReadOnlyList<string> All = ["实时", "每日", "每周", "每月", "每季度", "每年"];
}

/// <summary>
/// Catalog metadata of a dataset (政务信息资源目录 core metadata) that the schema file does not
/// carry: who provides it and on what terms it is shared.
/// </summary>
public sealed record DatasetMetadata(
    string ProviderCode,
    string ProviderName,
    string ResourceCode,
    string ShareType,
    string? ShareCondition,
    string UpdateCycle);

/// <summary>A dataset as the catalog lists it.</summary>
public sealed record DatasetEntry(
    string Name,
    string Title,
    string Description,
    string EntitySet,
    DatasetMetadata Metadata,
    string SchemaVersion,
    long? CurrentVersion,
    DateTimeOffset UpdatedAt);

/// <summary>One published version: a folder of Parquet files in the lake.</summary>
public sealed record DatasetVersion(
    string Dataset,
    long Version,
    string Directory,
    IReadOnlyList<string> Files,
    long RowCount,
    string SchemaVersion,
    string RunId,
    DateTimeOffset PublishedAt,
    DateTimeOffset? RetiredAt);
