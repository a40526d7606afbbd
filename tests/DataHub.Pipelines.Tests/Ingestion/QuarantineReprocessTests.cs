using DataHub.Core.Failures;
using DataHub.Pipelines.Ingestion;
using DataHub.Pipelines.Lake;
using Xunit;
using static DataHub.Pipelines.Tests.Ingestion.IngestionRunnerTests;
using static DataHub.Pipelines.Tests.PipelineFixture;

namespace DataHub.Pipelines.Tests.Ingestion;

/// <summary>Quarantine that can be fixed: a wrong mapping, corrected, and the quarantined rows reprocessed with exact accounting.</summary>
public sealed class QuarantineReprocessTests : IAsyncLifetime
{
    private const string FullMapping = "person_type:       { from: 人员类型, values: { 户籍人口: 户籍, 流动人口: 流动, 境外人员: 境外 } }";

    // The steward forgot 流动人口 in the value map: every migrant fails the code list and is quarantined.
    private const string WrongMapping = "person_type:       { from: 人员类型, values: { 户籍人口: 户籍, 境外人员: 境外 } }";

    private PipelineFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static string Definition(string mapping) =>
        File.ReadAllText(RepoFile("sources/gongan-population.yaml")).Replace(FullMapping, mapping, StringComparison.Ordinal);

    private static string Migrant(int line, string id, string name = "张三", string updated = "2026-11-01 08:00:00") =>
        Row(line, id, name: name, updated: updated).Replace(",户籍,", ",流动人口,", StringComparison.Ordinal);

    /// <summary>
    /// Lines 2-7 pass; 8-10 are migrants (new keys); 11 has a bad ID number; 12 repeats line 8's person
    /// (older); 13 is a migrant with line 2's ID number but another name (a different person); 14 is
    /// line 3's person updated later; 15 is line 4's person with an older update.
    /// </summary>
    private static string Export() => Csv(
        Row(1, Id("19800101", 1)), Row(2, Id("19800101", 3)), Row(3, Id("19800101", 5)),
        Row(4, Id("19800101", 7)), Row(5, Id("19800101", 9)), Row(6, Id("19800101", 11)),
        Migrant(7, Id("19900101", 1), updated: "2026-11-10 08:00:00"), Migrant(8, Id("19900101", 3)), Migrant(9, Id("19900101", 5)),
        Row(10, "3201131980010100"),
        Migrant(11, Id("19900101", 1), updated: "2026-10-01 08:00:00"),
        Migrant(12, Id("19800101", 1), name: "王五", updated: "2026-10-01 08:00:00"),
        Migrant(13, Id("19800101", 3), updated: "2026-11-20 08:00:00"),
        Migrant(14, Id("19800101", 5), updated: "2026-10-01 08:00:00"));

    [Fact]
    public async Task Reprocess_AfterMappingFix_MergesTheRowsThatNowPassWithExactAccounting()
    {
        var path = _fx.WriteSource(Export(), definition: Definition(WrongMapping));
        var first = await _fx.Runner.RunAsync(path, default);
        Assert.True(first.Succeeded, first.ToText());
        Assert.Equal((14L, 6L, 8L, 0L), (first.RowsRead, first.Accepted, first.Quarantined, first.Duplicates));
        var summary = await _fx.Runner.QuarantineAsync(path, 3, default);
        Assert.Equal((8L, 8L, first.RunId), (summary.Rows, summary.Reprocessable, summary.RunId));
        Assert.Equal(7, summary.ByReason["VALUE_NOT_ALLOWED"]);
        Assert.Equal(3, summary.Samples.Count);

        File.WriteAllText(path, Definition(FullMapping)); // the steward fixes the mapping
        _fx.Time.Advance(TimeSpan.FromMinutes(10));
        var report = await _fx.Runner.ReprocessQuarantineAsync(path, new RunRequest(), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal("reprocess", report.Mode);
        Assert.Equal(first.RunId, report.ReprocessOf);
        // 8 reprocessed = 4 accepted (3 new, 1 newer) + 2 still quarantined (bad ID, other person) + 2 duplicates.
        Assert.Equal((8L, 4L, 2L, 2L), (report.RowsRead, report.Accepted, report.Quarantined, report.Duplicates));
        Assert.Equal((3L, 1L, 9L), (report.Inserted!.Value, report.Updated!.Value, report.VersionRows!.Value));
        Assert.Equal(1, report.KeyConflicts);
        Assert.Contains("重新处理运行 " + first.RunId + " 的隔离行 8 行 = 现已接收 4 + 仍隔离 2 + 重复 2", report.ToText());
        Assert.Equal(first.Version + 1, report.Version);

        var rows = (await _fx.ReadAllCurrentAsync()).ToDictionary(r => (string)r["id_number"]!);
        Assert.Equal(9, rows.Count);
        Assert.Equal("流动", rows[Id("19900101", 1)]["person_type"]);
        Assert.Equal("流动", rows[Id("19800101", 3)]["person_type"]); // the newer row replaced the published one
        Assert.Equal("户籍", rows[Id("19800101", 5)]["person_type"]); // the older one did not
        Assert.Equal("张三", rows[Id("19800101", 1)]["name"]); // the other person did not replace the published one

        // The remaining quarantine replaces the old file; the rows that passed are gone from it.
        Assert.False(File.Exists(first.QuarantineFile));
        var remaining = Query($"SELECT source_line, reason_codes, record_kind FROM read_parquet('{report.QuarantineFile}') ORDER BY source_line");
        Assert.Equal([11L, 13L], remaining.Select(r => (long)r["source_line"]!));
        Assert.Equal("key_conflict", remaining[1]["record_kind"]);
        Assert.Equal("KEY_CONFLICT", remaining[1]["reason_codes"]);
        Assert.Equal([12L, 15L], Query($"SELECT source_line FROM read_parquet('{Path.Combine(Path.GetDirectoryName(report.QuarantineFile)!, "duplicates.parquet")}') ORDER BY 1").Select(r => (long)r["source_line"]!));
        var version = await _fx.Catalog.Datasets.GetVersionAsync("population", report.Version!.Value, default);
        Assert.Equal(9, version!.RowCount);
        var part = Assert.Single(await _fx.Catalog.Datasets.PartsAsync("population", report.Version.Value, default));
        Assert.Equal((report.RunId, 9L, 14L), (part.RunId, part.RowCount, part.RowsRead));
        var run = await _fx.Catalog.Runs.GetAsync(report.RunId, default);
        Assert.Equal(("succeeded", 8L, 4L), (run!.Status, run.RowsRead!.Value, run.RowsAccepted!.Value));

        // Files holding personal data are the service account's only.
        if (!OperatingSystem.IsWindows())
        {
            var runDirectory = Path.GetDirectoryName(report.QuarantineFile)!;
            Assert.Equal(FileModes.Folder, File.GetUnixFileMode(runDirectory));
            foreach (var f in Directory.GetFiles(runDirectory)) Assert.Equal(FileModes.File, File.GetUnixFileMode(f));
        }

        // The next reprocess takes this run's quarantine: nothing more passes, nothing is published.
        var again = await _fx.Runner.ReprocessQuarantineAsync(path, new RunRequest(), default);
        Assert.Equal("unchanged", again.Status);
        Assert.Equal((2L, 0L, 2L), (again.RowsRead, again.Accepted, again.Quarantined)); // the key conflict is carried over and counted
        Assert.Equal(report.Version, (await _fx.Catalog.Datasets.GetAsync("population", default))!.CurrentVersion);
        Assert.True(File.Exists(report.QuarantineFile));
    }

    [Fact]
    public async Task Reprocess_ThenFullRunOfTheSameFile_GivesTheSameRows()
    {
        var path = _fx.WriteSource(Export(), definition: Definition(WrongMapping));
        await _fx.Runner.RunAsync(path, default);
        File.WriteAllText(path, Definition(FullMapping));
        var reprocessed = await _fx.Runner.ReprocessQuarantineAsync(path, new RunRequest(), default);
        Assert.True(reprocessed.Succeeded, reprocessed.ToText());
        var afterReprocess = (await _fx.ReadAllCurrentAsync()).Select(r => (string)r["id_number"]! + r["person_type"]).Order(StringComparer.Ordinal).ToList();

        var full = await _fx.Runner.RunAsync(path, default); // the fixed definition over the whole file: not taken for unchanged

        Assert.True(full.Succeeded, full.ToText());
        Assert.Equal(afterReprocess, (await _fx.ReadAllCurrentAsync()).Select(r => (string)r["id_number"]! + r["person_type"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reprocess_MappingNamesAMissingColumn_IsAConfigErrorAndPublishesNothing()
    {
        var path = _fx.WriteSource(Export(), definition: Definition(WrongMapping));
        var first = await _fx.Runner.RunAsync(path, default);
        File.WriteAllText(path, Definition(FullMapping).Replace("{ from: 民族 }", "{ from: 民族名称 }", StringComparison.Ordinal));

        var report = await _fx.Runner.ReprocessQuarantineAsync(path, new RunRequest(), default);

        Assert.Equal("failed", report.Status);
        Assert.Equal("MAPPING_COLUMN_MISSING", report.ErrorCode);
        Assert.Equal(first.Version, (await _fx.Catalog.Datasets.GetAsync("population", default))!.CurrentVersion);
        Assert.True(File.Exists(first.QuarantineFile)); // still the quarantine to fix
    }

    [Fact]
    public async Task Reprocess_SourceWithoutPublishedPart_SaysSo()
    {
        var path = _fx.WriteSource(Export(), definition: Definition(WrongMapping));

        var e = await Assert.ThrowsAsync<DataHubException>(() => _fx.Runner.ReprocessQuarantineAsync(path, new RunRequest(), default));

        Assert.Equal("QUARANTINE_NO_PART", e.Code);
    }

    [Fact]
    public async Task Retention_RemovesQuarantineStagingAndFieldIssueFilesWithTheirRun()
    {
        var path = _fx.WriteSource(Export(), definition: Definition(WrongMapping));
        var first = await _fx.Runner.RunAsync(path, default);
        var runDirectory = Path.GetDirectoryName(first.QuarantineFile)!;
        Assert.True(File.Exists(first.QuarantineFile));
        Assert.Empty(Directory.GetFiles(runDirectory, "stage.duckdb*")); // the scratch is gone once the run ends
        Assert.Empty(Directory.GetFiles(runDirectory, "*.csv"));

        _fx.Time.Advance(_fx.Runner.Options.RunFilesMaxAge + TimeSpan.FromDays(1));
        await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Row(1, Id("19800101", 1))), definition: Definition(FullMapping)), new RunRequest { Force = true }, default);

        Assert.False(Directory.Exists(runDirectory));
    }

    [Fact]
    public async Task HeldRun_StagedVersionAndRunFilesAreTheServiceAccountsOnly()
    {
        var path = _fx.WriteSource(Export(), definition: Definition(WrongMapping));
        await _fx.Runner.RunAsync(path, default);
        var half = Csv(Row(1, Id("19800101", 1)), Row(10, "3201131980010100")); // far fewer rows: held

        var held = await _fx.Runner.RunAsync(_fx.WriteSource(half, definition: Definition(WrongMapping)), default);

        Assert.Equal("held", held.Status);
        var heldDirectory = _fx.Runner.Lake.HeldDirectory("population", held.RunId);
        var runDirectory = Path.GetDirectoryName(held.QuarantineFile)!;
        Assert.NotEmpty(Directory.GetFiles(heldDirectory));
        Assert.True(File.Exists(held.QuarantineFile));
        if (!OperatingSystem.IsWindows())
        {
            foreach (var dir in new[] { heldDirectory, runDirectory })
            {
                Assert.Equal(FileModes.Folder, File.GetUnixFileMode(dir));
                foreach (var f in Directory.GetFiles(dir)) Assert.Equal(FileModes.File, File.GetUnixFileMode(f));
            }
        }
    }
}
