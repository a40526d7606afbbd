using DataHub.Catalog.Datasets;

namespace DataHub.Catalog.Metadata;

/// <summary>
/// The core metadata of one 信息资源 in the government data-resource catalog (政务信息资源目录编制指南):
/// classification and theme, resource code, provider and its code, abstract, format, sharing
/// attributes (type, condition, method), open attributes, update cycle, publication date and
/// related resources. The 信息项 (fields, with type, sensitivity and mask) come from the schema.
/// </summary>
public sealed record ResourceMetadata(
    string Classification,
    string Theme,
    string ResourceCode,
    string ProviderName,
    string ProviderCode,
    string Abstract,
    string Format,
    string ShareType,
    string? ShareCondition,
    string ShareMethod,
    bool OpenToPublic,
    string? OpenCondition,
    string UpdateCycle,
    DateOnly? PublishedOn,
    IReadOnlyList<string> RelatedResources)
{
    /// <summary>What the catalog knows before any steward edit: the source definition's registration.</summary>
    public static ResourceMetadata From(DatasetEntry d) => new(
        "", "", d.Metadata.ResourceCode, d.Metadata.ProviderName, d.Metadata.ProviderCode, d.Description,
        "数据库表（Parquet），OData v4 接口", d.Metadata.ShareType, d.Metadata.ShareCondition, "接口共享（OData）",
        false, null, d.Metadata.UpdateCycle, null, []);
}

/// <summary>One version of a dataset's metadata: every steward edit makes a new one.</summary>
public sealed record MetadataVersion(string Dataset, int Version, ResourceMetadata Metadata, string EditedBy, DateTimeOffset EditedAt);
