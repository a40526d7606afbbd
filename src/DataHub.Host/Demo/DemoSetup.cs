using DataHub.Core.Standards;
using DataHub.Host.Composition;
using DataHub.Simulators.Population;

namespace DataHub.Host.Demo;

/// <summary>
/// Prepares the demo's simulated department system: the 公安 population export of 南京市栖霞区
/// (real community codes, realistic defects) and its declared source file, in the data folder.
/// </summary>
public static class DemoSetup
{
    public const string District = "320113";
    public const string SourceFileName = "gongan-population.yaml";
    public const string ExportFileName = "公安_实有人口.csv";

    /// <summary>Writes the export and the source definition; returns the definition's path and the manifest.</summary>
    public static async Task<(string SourceFile, PopulationExportManifest Manifest)> PrepareAsync(
        DataHubEngine engine, int rows, int seed, CancellationToken cancellationToken)
    {
        var divisions = engine.Catalog.Divisions;
        // Streets numbered 4xx are development zones and institutions, not residential streets.
        var communities = divisions.CommunitiesWithin(District)
            .Where(c => string.CompareOrdinal(c.Code.Substring(6, 3), "400") < 0)
            .Select(c => (c.Code, c.Name)).ToList();
        var streets = divisions.Children(District).ToDictionary(s => s.Code, s => s.Name);
        var birthplaces = PopulationExportOptions.DefaultBirthplaceDistricts;
        var birthplaceNames = birthplaces.Select(code => divisions.Find(code)).OfType<DivisionInfo>()
            .ToDictionary(d => d.Code, d => FullName(divisions, d));

        var folder = engine.Data.SourcesDirectory;
        var manifest = await new PopulationExportGenerator().GenerateAsync(new PopulationExportOptions
        {
            OutputPath = Path.Combine(folder, ExportFileName),
            RowCount = rows,
            Seed = seed,
            Communities = communities,
            StreetNames = streets,
            BirthplaceNames = birthplaceNames,
            AddressPrefix = FullName(divisions, divisions.Find(District)!),
            Now = engine.Time.GetLocalNow(),
        }, cancellationToken);
        await manifest.WriteJsonAsync(Path.Combine(folder, Path.ChangeExtension(ExportFileName, ".manifest.json")), cancellationToken);

        var sourceFile = Path.Combine(folder, SourceFileName);
        await using (var embedded = typeof(DemoSetup).Assembly.GetManifestResourceStream("sources/" + SourceFileName)!)
        await using (var file = File.Create(sourceFile))
        {
            await embedded.CopyToAsync(file, cancellationToken);
        }
        return (sourceFile, manifest);
    }

    // 江苏省南京市栖霞区: province + city (unless the city is a placeholder like 市辖区) + district.
    internal static string FullName(IDivisionDirectory divisions, DivisionInfo district)
    {
        var city = divisions.Find(district.Code[..4]);
        var province = divisions.Find(district.Code[..2]);
        var cityName = city is null || city.Name is "市辖区" or "县" ? "" : city.Name;
        return (province?.Name ?? "") + cityName + district.Name;
    }
}
