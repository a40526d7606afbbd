using DataHub.Core.Failures;
using DataHub.Core.Standards;
using DataHub.Host.Composition;
using DataHub.Simulators.District;
using DataHub.Simulators.District.Servers;

namespace DataHub.Host.Demo;

/// <summary>
/// The simulated district in a data folder: generated from the catalog's division reference (any
/// district; 南京市栖霞区 320113 by default), its REST and FHIR servers started on loopback, and one
/// source definition per department written to DIR/sources pointing at them.
/// </summary>
public static class DistrictSetup
{
    public const string DefaultDistrict = "320113";

    /// <summary>Options for a district of the reference; a code that is not a district with communities is a config error.</summary>
    public static DistrictOptions Options(DataHubEngine engine, string district, int residents, int seed)
    {
        var divisions = engine.Catalog.Divisions;
        if (DivisionCode.LevelOf(district) != DivisionLevel.District || divisions.Find(district) is not { } info)
            throw new DataHubException(FailureKind.Config, "SIMULATE_DISTRICT", $"“{district}”不是区划参考表中的区县代码", "--district",
                "填写6位区县代码，如 320113（南京市栖霞区）");
        // Streets numbered 4xx are development zones and institutions, not residential streets.
        var communities = divisions.CommunitiesWithin(district)
            .Where(c => string.CompareOrdinal(c.Code.Substring(6, 3), "400") < 0)
            .Select(c => (c.Code, c.Name)).ToList();
        if (communities.Count == 0)
            throw new DataHubException(FailureKind.Config, "SIMULATE_DISTRICT", $"区县 {district}（{info.Name}）在参考表中没有社区（村）", "--district",
                "选一个参考表中有社区的区县，如 320113");
        return new DistrictOptions
        {
            DistrictCode = district,
            DistrictName = DemoSetup.FullName(divisions, info),
            Communities = communities,
            StreetNames = divisions.Children(district).ToDictionary(s => s.Code, s => s.Name),
            BirthplaceNames = Simulators.Population.PopulationExportOptions.DefaultBirthplaceDistricts
                .Select(divisions.Find).OfType<DivisionInfo>().ToDictionary(d => d.Code, d => DemoSetup.FullName(divisions, d)),
            Residents = residents,
            Seed = seed,
            Now = engine.Time.GetLocalNow(),
        };
    }

    /// <summary>
    /// Generates the district (unless the folder has one and <paramref name="reset"/> is false),
    /// starts its servers and writes the source definitions. The caller disposes the server.
    /// </summary>
    public static async Task<(DistrictServer Server, DistrictTruth Truth, IReadOnlyDictionary<string, string> Sources)> StartAsync(
        DataHubEngine engine, DistrictOptions options, string? postgres, int port, bool reset, CancellationToken cancellationToken)
    {
        var paths = new DistrictPaths(engine.Data.Root);
        var truth = !reset && File.Exists(paths.State) && File.Exists(paths.Truth)
            ? DistrictTruth.FromJson(await File.ReadAllTextAsync(paths.Truth, cancellationToken))
            : await SimulatedDistrict.GenerateAsync(options, paths, postgres, cancellationToken);
        var server = await DistrictServer.StartAsync(paths, port, cancellationToken: cancellationToken);
        var districtShort = options.DistrictName.Length > 3 ? options.DistrictName[^3..] : options.DistrictName;
        var sources = DistrictSources.Write(paths, truth.District, districtShort, server.EnterprisesUrl, server.FhirBaseUrl, postgres);
        return (server, truth, sources);
    }
}
