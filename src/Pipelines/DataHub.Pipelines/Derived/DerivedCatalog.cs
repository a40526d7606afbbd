using DataHub.Catalog.Datasets;

namespace DataHub.Pipelines.Derived;

/// <summary>One derived dataset: its table, the inputs its figures depend on, and its catalog terms.</summary>
internal sealed record DerivedDefinition(string Name, IReadOnlyList<string> DependsOn, DatasetMetadata Metadata);

/// <summary>The derived datasets DataHub publishes, in build order, with their catalog entries (provider: the platform itself).</summary>
internal static class DerivedCatalog
{
    private static DatasetMetadata Terms(string code, string shareType, string? condition) =>
        new("DATAHUB", "区数据共享平台", "DATAHUB-DERIVED-" + code, shareType, condition, "实时");

    private const string CommunityUse = "仅用于本社区服务管理，不得向第三方提供";

    public static readonly DerivedDefinition[] All =
    [
        new("address_match", ["population", "housing", "enterprise", "address"], Terms("0001", ShareTypes.Conditional, "政务部门内部使用：地址治理与数据关联")),
        new("person_link", ["population", "health"], Terms("0002", ShareTypes.Conditional, "政务部门内部使用：跨部门人员关联（仅假名化编号）")),
        new("house_occupancy", ["housing", "population", "address"], Terms("0003", ShareTypes.Conditional, CommunityUse)),
        new("community_profile", ["population", "housing", "enterprise", "health", "address"], Terms("0004", ShareTypes.Conditional, CommunityUse)),
        new("community_enterprise", ["enterprise"], Terms("0005", ShareTypes.Unconditional, null)),
        new("care_visit_list", ["population", "housing", "health", "address"], Terms("0006", ShareTypes.Conditional, "仅用于本社区高龄独居老人关爱走访")),
        new("care_household_list", ["population", "housing", "health", "address"], Terms("0007", ShareTypes.Conditional, "仅用于本社区重点家庭上门服务")),
        new("community_stats", ["population", "housing", "address"], Terms("0008", ShareTypes.Unconditional, null)),
    ];

    public static readonly DerivedDefinition Lineage = new("lineage", [], Terms("0009", ShareTypes.Unconditional, null));
}
