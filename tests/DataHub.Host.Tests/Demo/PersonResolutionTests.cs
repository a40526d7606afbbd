using DataHub.Host.Demo;
using Xunit;
using Xunit.Abstractions;

namespace DataHub.Host.Tests.Demo;

/// <summary>
/// Person resolution (issue 9) against the simulated district's answer key (truth.json
/// <c>facts.health_patients</c>: which resident each health archive is, and whether the health system
/// registered the ID number). Exact links by ID number: precision and recall 1.0. Patients planted
/// without an ID number: each whose resident is in the population register is listed as probable
/// (name + birth date + community), and none is merged: no exact link, both sides stay single, and
/// the profile does not count the archive for the resident.
/// </summary>
public sealed class PersonResolutionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly HostFixture _fx = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task PersonLink_AgainstTruth_ExactIsPerfectAndNoIdPatientsAreProbableNeverMerged()
    {
        var engine = await _fx.OpenEngineAsync();
        var (server, truth, sources) = await DistrictSetup.StartAsync(engine, DistrictSetup.Options(engine, "320113", 1500, 21), null, 0, reset: true, default);
        await using (server)
        {
            foreach (var dataset in (string[])["population", "health"])
                Assert.True((await engine.Runner.RunAsync(sources[dataset], default)).Succeeded);

            var population = await DerivedDatasetsTests.RowsAsync(engine, "population");
            var health = await DerivedDatasetsTests.RowsAsync(engine, "health");
            var links = await DerivedDatasetsTests.RowsAsync(engine, "person_link");
            var profile = await DerivedDatasetsTests.RowsAsync(engine, "community_profile");

            // The answer key: health record -> the resident's population record, split by how the archive was registered.
            var populationByIdNumber = population.ToDictionary(p => (string)p["id_number"]!, p => (string)p["record_id"]!, StringComparer.Ordinal);
            var patients = truth.Facts.HealthPatients.GroupBy(p => p.ArchiveNo).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var trueExact = new HashSet<(string, string)>();
            var trueProbable = new HashSet<(string, string)>();
            foreach (var h in health)
            {
                var fact = patients[(string)h["archive_no"]!];
                if (!populationByIdNumber.TryGetValue(fact.IdNumber, out var populationRecord)) continue;
                (fact.Registered == "no_id" ? trueProbable : trueExact).Add((populationRecord, (string)h["record_id"]!));
            }
            Assert.NotEmpty(trueExact);
            Assert.NotEmpty(trueProbable);

            HashSet<(string, string)> Links(string kind) => links.Where(l => (string)l["match_kind"]! == kind)
                .Select(l => ((string)l["population_record_id"]!, (string)l["health_record_id"]!)).ToHashSet();
            var exact = Links("exact");
            var probable = Links("probable");
            var (exactPrecision, exactRecall) = PrecisionRecall(exact, trueExact);
            var (probablePrecision, probableRecall) = PrecisionRecall(probable, trueProbable);
            output.WriteLine($"exact: {exact.Count} links, truth {trueExact.Count}, precision {exactPrecision:F4}, recall {exactRecall:F4}");
            output.WriteLine($"probable: {probable.Count} links, truth {trueProbable.Count}, precision {probablePrecision:F4}, recall {probableRecall:F4}");
            Assert.Equal(1.0, exactPrecision);
            Assert.Equal(1.0, exactRecall);
            // Every planted no-ID patient whose resident is registered is listed as probable.
            Assert.Equal(1.0, probableRecall);
            Assert.Equal(1.0, probablePrecision);

            // Never merged: the probable pairs are not exact links, and both sides also stand alone.
            var healthOnly = links.Where(l => (string)l["match_kind"]! == "health_only").Select(l => (string)l["health_record_id"]!).ToHashSet(StringComparer.Ordinal);
            var populationOnly = links.Where(l => (string)l["match_kind"]! == "population_only").Select(l => (string)l["population_record_id"]!).ToHashSet(StringComparer.Ordinal);
            Assert.All(probable, p =>
            {
                Assert.DoesNotContain(p, exact);
                Assert.Contains(p.Item1, populationOnly);
                Assert.Contains(p.Item2, healthOnly);
            });
            // The profile counts a health archive only for an exact link: a no-ID archive is not the resident's.
            var living = population.Where(p => (string?)p["status"] is null or "在住").ToList();
            var linked = exact.Select(e => e.Item1).ToHashSet(StringComparer.Ordinal);
            var expected = living.Where(p => linked.Contains((string)p["record_id"]!)).GroupBy(p => (string)p["community_code"]!)
                .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
            var actual = profile.Where(r => (long)r["health_archives"]! > 0)
                .ToDictionary(r => (string)r["community_code"]!, r => (long)r["health_archives"]!, StringComparer.Ordinal);
            Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
            Assert.True(trueProbable.All(p => !linked.Contains(p.Item1)));
        }
    }

    private static (double Precision, double Recall) PrecisionRecall(IReadOnlySet<(string, string)> found, IReadOnlySet<(string, string)> truth)
    {
        var right = found.Count(truth.Contains);
        return (found.Count == 0 ? 0 : (double)right / found.Count, truth.Count == 0 ? 0 : (double)right / truth.Count);
    }
}
