using DataHub.Host.Demo;
using DuckDB.NET.Data;
using Xunit;

namespace DataHub.Host.Tests.Demo;

/// <summary>The demo's simulated export, through the real pipeline: every planted defect is accounted for.</summary>
public sealed class DemoIngestionTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Ingest_SimulatedExport_ReportMatchesPlantedDefectsExactly()
    {
        var engine = await _fx.OpenEngineAsync();
        var (sourceFile, manifest) = await DemoSetup.PrepareAsync(engine, rows: 6000, seed: 7, default);

        var report = await engine.Runner.RunAsync(sourceFile, default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal(manifest.TotalRows, report.RowsRead);
        Assert.Equal(manifest.ExpectedAccepted, report.Accepted);
        Assert.Equal(manifest.ExpectedQuarantined, report.Quarantined);
        Assert.Equal(manifest.ExpectedDuplicates, report.Duplicates);
        foreach (var (code, count) in manifest.ReasonCounts.Where(kv => kv.Value > 0))
            Assert.True(report.QuarantinedByReason.TryGetValue(code, out var got) && got == count, $"{code}: planted {count}, reported {got}\n{report.ToText()}");
        Assert.Equal(manifest.ReasonCounts.Values.Sum(), report.QuarantinedByReason.Values.Sum());
        // A bad birth date or phone keeps the person: counted as field issues, exactly as planted.
        foreach (var (code, count) in manifest.FieldIssueCounts)
            Assert.True(report.FieldIssues.GetValueOrDefault(code) == count, $"{code}: planted {count}, reported {report.FieldIssues.GetValueOrDefault(code)}\n{report.ToText()}");

        var current = Assert.Single(await engine.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population");
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT community_code, count(*) FROM read_parquet('{Path.Combine(current.Directory, current.Files[0])}') GROUP BY 1";
        using var reader = cmd.ExecuteReader();
        var perCommunity = new Dictionary<string, int>();
        while (reader.Read()) perCommunity[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (code, expected) in manifest.AcceptedByCommunity)
            Assert.Equal(expected, perCommunity.GetValueOrDefault(code));

        // Quality figures of the version, per community, equal the generator's truth.
        var quality = await engine.Catalog.Datasets.QualityAsync("population", current.Version, default);
        foreach (var (code, expected) in manifest.AcceptedByCommunity.Where(kv => kv.Value > 0))
        {
            Assert.Equal(expected, quality.Single(q => q.CommunityCode == code && q.Metric == "rows").Numerator);
            Assert.Equal(1.0, quality.Single(q => q.CommunityCode == code && q.Field == "id_number" && q.Metric == "completeness").Value);
            Assert.Equal(1.0, quality.Single(q => q.CommunityCode == code && q.Field == "*" && q.Metric == "uniqueness").Value);
        }
        long Invalid(string field) => quality.Where(q => q.Field == field && q.Metric == "validity").Sum(q => q.Denominator - q.Numerator);
        Assert.Equal(manifest.FieldIssueCounts["PHONE_FORMAT"], Invalid("phone"));
        Assert.Equal(manifest.FieldIssueCounts["DATE_FORMAT"], Invalid("birth_date"));
        Assert.Equal(manifest.FieldIssueCounts.Values.Sum(), Invalid("*"));
    }
}
