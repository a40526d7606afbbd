using System.Text.Json;

namespace DataHub.Serving.Tests.Kit;

/// <summary>Reading rows of feed pages written as minimal-metadata JSON.</summary>
public static class Rows
{
    public static List<JsonElement> All(IEnumerable<FeedResponse> pages) => pages.SelectMany(p => p.Rows()).ToList();

    public static List<string> Keys(IEnumerable<JsonElement> rows, string keyProperty = "记录编号") =>
        rows.Select(r => r.GetProperty(keyProperty).GetString()!).ToList();

    public static string? Text(JsonElement row, string property) =>
        row.GetProperty(property) is { ValueKind: JsonValueKind.Null } ? null : row.GetProperty(property).GetString();

    public static bool InDistrict(PopulationRow r) => r.CommunityCode.StartsWith(SyntheticData.District, StringComparison.Ordinal);

    public static bool InDistrict(HousingRow r) => r.CommunityCode.StartsWith(SyntheticData.District, StringComparison.Ordinal);
}
