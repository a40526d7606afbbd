using DataHub.Simulators.District;

namespace DataHub.TestKit.District;

/// <summary>
/// District options from the repository's division reference (reference/divisions), as the host
/// builds them from the catalog: the district's communities (development zones, streets 4xx, left
/// out), its streets and its full name.
/// </summary>
public static class ReferenceDistricts
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 18, 0, 0, TimeSpan.FromHours(8));

    public static DistrictOptions Options(string district = "320113", int residents = 800, int seed = 7) => new()
    {
        DistrictCode = district,
        DistrictName = FullName(district),
        Communities = Rows("villages.csv").Where(r => r[0].StartsWith(district, StringComparison.Ordinal) && string.CompareOrdinal(r[0].Substring(6, 3), "400") < 0)
            .Select(r => (r[0], r[1])).ToList(),
        StreetNames = Rows("streets.csv").Where(r => r[0].StartsWith(district, StringComparison.Ordinal)).ToDictionary(r => r[0], r => r[1]),
        Residents = residents,
        Seed = seed,
        Now = Now,
    };

    private static string FullName(string district)
    {
        var province = Rows("provinces.csv").First(r => r[0] == district[..2])[1];
        var city = Rows("cities.csv").FirstOrDefault(r => r[0] == district[..4])?[1];
        var area = Rows("areas.csv").First(r => r[0] == district)[1];
        return province + (city is null or "市辖区" or "县" ? "" : city) + area;
    }

    private static IEnumerable<string[]> Rows(string file) =>
        File.ReadLines(RepoPaths.File(Path.Combine("reference", "divisions", file))).Skip(1)
            .Select(line => line.Split(',').Select(v => v.Trim('"')).ToArray());
}
