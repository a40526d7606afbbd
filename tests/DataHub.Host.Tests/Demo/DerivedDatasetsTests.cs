using System.Globalization;
using DataHub.Host.Demo;
using DataHub.Host.Web;
using DataHub.Simulators.District;
using DataHub.TestKit.OData;
using DuckDB.NET.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace DataHub.Host.Tests.Demo;

/// <summary>
/// The derived datasets (issue 9) on the simulated district, checked against its truth: the community
/// profile's figures per community, person resolution, the suppressed statistics, lineage after a new
/// population version, and a community worker reading its own profile row through OData.
/// </summary>
public sealed class DerivedDatasetsTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Profile_MatchesTruth_RebuildsWithNewLineage_AndIsServedPerCommunity()
    {
        var engine = await _fx.OpenEngineAsync();
        var (server, truth, sources) = await DistrictSetup.StartAsync(engine, DistrictSetup.Options(engine, "320113", 1500, 9), null, 0, reset: true, default);
        await using (server)
        {
            foreach (var dataset in (string[])["population", "housing", "enterprise", "health"])
                Assert.True((await engine.Runner.RunAsync(sources[dataset], default)).Succeeded);

            // The rebuild ran after each publish; run it once more directly so a failure shows here.
            var direct = await new DataHub.Pipelines.Derived.DerivedDatasets(engine.Catalog, engine.Runner.Lake, engine.Time, "1GB", 2).RebuildAsync("20261129T000000-test", default);
            Assert.Empty(direct.Published);
            var profile = await RowsAsync(engine, "community_profile");
            Assert.NotEmpty(profile);
            var asOf = (DateOnly)profile[0]["as_of"]!;
            var population = await RowsAsync(engine, "population");
            var living = population.Where(p => (string?)p["status"] is null or "在住").ToList();
            var healthIds = (await RowsAsync(engine, "health")).Select(h => (string)h["id_number"]!).ToHashSet(StringComparer.Ordinal);
            var housing = await RowsAsync(engine, "housing");

            // Residents and elderly living alone, per community, as the truth says.
            Same(Count(living.Select(p => (string)p["community_code"]!)), Figure(profile, "residents"), "residents");
            var aloneExpected = Count(truth.Facts.LivesAlone.Where(f => Age(f.IdNumber, asOf) >= 60).Select(f => f.CommunityCode));
            Same(aloneExpected, Figure(profile, "elderly_alone"), "elderly_alone");
            Same(Count(truth.Facts.LivesAlone.Where(f => Age(f.IdNumber, asOf) >= 80).Select(f => f.CommunityCode)), Figure(profile, "alone_80_plus"), "alone_80_plus");
            // Rented houses (of the houses the register published), chronic conditions and contracts of living residents with a health archive.
            var rented = truth.Facts.RentedHouses.ToHashSet(StringComparer.Ordinal);
            Same(Count(housing.Where(h => rented.Contains((string)h["house_code"]!)).Select(h => (string)h["community_code"]!)), Figure(profile, "rental_units"), "rental_units");
            var archived = living.Where(p => healthIds.Contains((string)p["id_number"]!)).ToList();
            Same(Count(archived.Where(p => truth.Facts.Conditions.TryGetValue((string)p["id_number"]!, out var c) && c.Contains("I10")).Select(p => (string)p["community_code"]!)), Figure(profile, "hypertension"), "hypertension");
            var signed = truth.Facts.FamilyDoctorSigned.ToHashSet(StringComparer.Ordinal);
            Same(Count(archived.Where(p => signed.Contains((string)p["id_number"]!)).Select(p => (string)p["community_code"]!)), Figure(profile, "family_doctor_signed"), "family_doctor_signed");

            // Enterprises by registration status and, of the active ones, by industry section (GB/T 4754 门类), as the register holds them.
            Assert.NotEmpty(truth.Facts.Enterprises);
            foreach (var (status, column) in (ReadOnlySpan<(string, string)>)[("存续", "enterprises_subsisting"), ("在业", "enterprises_operating"), ("注销", "enterprises_cancelled"), ("吊销", "enterprises_revoked"), ("迁出", "enterprises_moved_out")])
                Same(Count(truth.Facts.Enterprises.Where(e => e.Status == status).Select(e => e.CommunityCode)), Figure(profile, column), column);
            var active = truth.Facts.Enterprises.Where(e => e.Status is "存续" or "在业").ToList();
            foreach (var section in "ABCDEFGHIJKLMNOPQRST")
            {
                var column = "industry_" + char.ToLowerInvariant(section);
                Same(Count(active.Where(e => e.Industry[0] == section).Select(e => e.CommunityCode)), Figure(profile, column), column);
            }
            Assert.True(truth.Facts.Enterprises.Select(e => e.Industry[0]).Distinct().Count() > 3);
            Same(Count(active.Select(e => e.CommunityCode)), Figure(profile, "enterprises_active"), "enterprises_active");

            // Person resolution: every person in both registers linked exactly once by the ID number; nothing merged on a guess.
            var links = await RowsAsync(engine, "person_link");
            var populationIds = population.Select(p => (string)p["record_id"]!).ToHashSet(StringComparer.Ordinal);
            var healthRecords = (await RowsAsync(engine, "health")).Select(h => (string)h["record_id"]!).ToHashSet(StringComparer.Ordinal);
            var exact = links.Where(l => (string)l["match_kind"]! == "exact").ToList();
            Assert.Equal(populationIds.Intersect(healthRecords).Count(), exact.Count);
            Assert.All(exact, l => Assert.Equal(l["population_record_id"], l["health_record_id"]));
            Assert.Equal(healthRecords.Count, links.Count(l => l["health_record_id"] is not null && (string)l["match_kind"]! != "probable"));

            // Suppressed statistics: no published cell under k, no withheld cell alone in its row or column.
            var stats = await RowsAsync(engine, "community_stats");
            string[] bands = ["age_0_17", "age_18_59", "age_60_79", "age_80_plus"];
            Assert.All(stats, row => Assert.All(bands.Append("residents"), b => Assert.True(row[b] is null || (long)row[b]! == 0 || (long)row[b]! >= 5, $"{b} = {row[b]}")));
            Assert.All(stats.Where(r => bands.Any(b => r[b] is null)), r => Assert.True(bands.Count(b => r[b] is null) >= 2 || r["residents"] is null));
            Assert.All(bands.Where(b => stats.Any(r => r[b] is null)), b => Assert.True(stats.Count(r => r[b] is null) >= 2, b));

            // A new population version rebuilds the profile, with the new version in its lineage.
            var before = (await engine.Catalog.Datasets.GetAsync("community_profile", default))!.CurrentVersion;
            await SimulatedDistrict.AdvanceAsync(new DistrictPaths(_fx.Data.Root), null, default);
            var delta = await engine.Runner.RunAsync(sources["population"], default);
            Assert.True(delta.Succeeded, delta.ToText());
            var after = (await engine.Catalog.Datasets.GetAsync("community_profile", default))!.CurrentVersion;
            Assert.True(after > before);
            var lineage = (await engine.Catalog.Datasets.LineageAsync("community_profile", default)).Where(l => l.Version == after).ToList();
            Assert.Contains(lineage, l => l.Input.Dataset == "population" && l.Input.Version == delta.Version && l.Input.RunId == delta.RunId);
            Assert.Contains(await RowsAsync(engine, "lineage"), l => (string)l["dataset"]! == "community_profile" && (long)l["version"]! == after);

            // A community worker reads its own profile row, and only it.
            var credentials = await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);
            await DemoOpenList.EnsureAsync(engine.Catalog, default);
            await using var app = DataHubWebApp.Create(engine, new WebOptions { Urls = "http://127.0.0.1:0" });
            await app.StartAsync();
            await app.Services.GetRequiredService<CatalogServedDatasets>().RefreshAsync(default);
            var root = new Uri(DataHub.Host.Cli.ServeCommand.BoundAddress(app) + "/odata/");
            var worker = credentials.Single(c => c.Name == "maqun-community");
            var client = new StrictODataClient(new HttpClient(), new StrictODataClientOptions { UserName = worker.Name, Password = worker.Password });
            var feed = await client.ReadFeedAsync(new Uri(root, "CommunityProfile?$count=true"), await client.GetMetadataAsync(root));
            var own = Assert.Single(feed.Rows);
            Assert.Equal("320113002001", own["社区代码"]);
            Assert.Equal(1, feed.Count);
        }
    }

    /// <summary>Equal per community, or a failure naming each community that differs.</summary>
    private static void Same(SortedDictionary<string, long> expected, SortedDictionary<string, long> actual, string figure)
    {
        var differ = expected.Keys.Union(actual.Keys).Where(k => expected.GetValueOrDefault(k) != actual.GetValueOrDefault(k))
            .Select(k => $"{k}: truth {expected.GetValueOrDefault(k)}, profile {actual.GetValueOrDefault(k)}").ToList();
        Assert.True(differ.Count == 0, $"{figure} differs in {differ.Count} communities: {string.Join("; ", differ)}");
    }

    private static int Age(string id, DateOnly asOf)
    {
        var birth = DateOnly.ParseExact(id.Substring(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture);
        var age = asOf.Year - birth.Year;
        return asOf < birth.AddYears(age) ? age - 1 : age;
    }

    private static SortedDictionary<string, long> Count(IEnumerable<string> communities)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in communities) result[c] = result.GetValueOrDefault(c) + 1;
        return result;
    }

    private static SortedDictionary<string, long> Figure(IEnumerable<Dictionary<string, object?>> profile, string column) =>
        new(profile.Where(r => (long)r[column]! > 0).ToDictionary(r => (string)r["community_code"]!, r => (long)r[column]!), StringComparer.Ordinal);

    /// <summary>Every row of the current version of <paramref name="dataset"/>, read straight from the lake.</summary>
    internal static async Task<List<Dictionary<string, object?>>> RowsAsync(DataHub.Host.Composition.DataHubEngine engine, string dataset)
    {
        var current = (await engine.Catalog.Datasets.CurrentVersionsAsync(default)).Single(v => v.Dataset == dataset);
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT * FROM read_parquet([{string.Join(", ", current.Files.Select(f => $"'{Path.Combine(current.Directory, f)}'"))}])";
        using var reader = cmd.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
