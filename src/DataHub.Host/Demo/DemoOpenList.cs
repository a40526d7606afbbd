using DataHub.Catalog;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.OpenList;
using DataHub.Core.Standards;

namespace DataHub.Host.Demo;

/// <summary>
/// The demo's open list: the population dataset opened to every community of 栖霞区 (the ID
/// number masked by the access policy) and to 马群街道, both conditional; the district's other
/// datasets (housing, enterprises, health, quality) opened to every street and community, each under its own
/// share type; and one pending request (the analyst asks for aggregate statistics) for the steward
/// to decide. Added once per catalog, for the datasets the catalog has.
/// </summary>
public static class DemoOpenList
{
    public const string Dataset = "population";

    private static readonly (string Dataset, string Share, string? Conditions)[] Others =
    [
        ("housing", ShareTypes.Conditional, "仅用于本社区实有房屋和出租房屋管理"),
        ("enterprise", ShareTypes.Unconditional, null),
        ("health", ShareTypes.Conditional, "仅用于本社区健康服务和随访，不得用于其他目的"),
        ("quality", ShareTypes.Unconditional, null),
        ("community_profile", ShareTypes.Conditional, "仅用于本社区服务管理"),
        ("house_occupancy", ShareTypes.Conditional, "仅用于本社区实有房屋和出租房屋管理"),
        ("community_enterprise", ShareTypes.Unconditional, null),
        ("care_visit_list", ShareTypes.Conditional, "仅用于本社区高龄独居老人关爱走访"),
        ("care_household_list", ShareTypes.Conditional, "仅用于本社区重点家庭上门服务"),
    ];

    public static async Task<IReadOnlyList<Grant>> EnsureAsync(DataHubCatalog catalog, CancellationToken cancellationToken)
    {
        var existing = await catalog.OpenList.ListAsync(cancellationToken);
        if (existing.Count > 0) return existing;
        var steward = DemoPrincipals.All.Single(p => p.Name == "steward");
        var analyst = DemoPrincipals.All.Single(p => p.Name == "analyst");
        await catalog.OpenList.AddAsync(new GrantSpec(Dataset, DivisionLevel.Community, [], null, false, ShareTypes.Conditional,
            "仅用于本社区网格化服务管理，不得向第三方提供", null, null, null), steward, cancellationToken);
        await catalog.OpenList.AddAsync(new GrantSpec(Dataset, null, ["320113002"], null, false, ShareTypes.Conditional,
            "仅用于本街道人口服务管理", null, null, null), steward, cancellationToken);
        foreach (var (dataset, share, conditions) in Others)
        {
            if (await catalog.Datasets.GetAsync(dataset, cancellationToken) is null) continue;
            foreach (var level in new[] { DivisionLevel.Street, DivisionLevel.Community })
                await catalog.OpenList.AddAsync(new GrantSpec(dataset, level, [], null, false, share, conditions, null, null, null), steward, cancellationToken);
        }
        await catalog.OpenList.RequestAsync(Dataset, analyst, "全区人口结构统计分析（只需汇总数）", null, true, null, cancellationToken);
        return await catalog.OpenList.ListAsync(cancellationToken);
    }
}
