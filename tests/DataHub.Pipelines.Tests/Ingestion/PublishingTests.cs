using System.Text;
using DataHub.Core.Failures;
using DataHub.Pipelines.Ingestion;
using DataHub.Pipelines.Lake;
using Xunit;
using static DataHub.Pipelines.Tests.Ingestion.IngestionRunnerTests;
using static DataHub.Pipelines.Tests.PipelineFixture;

namespace DataHub.Pipelines.Tests.Ingestion;

/// <summary>Publishing a district can trust: field rules, guards, unchanged input, parts per source, rollback and retention.</summary>
public sealed class PublishingTests : IAsyncLifetime
{
    private const string Beijing = "110105001024"; // 朝阳区建外街道南郎家园社区: another district in the reference

    private PipelineFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static string[] Rows(int n, int from = 1, string community = "320113002001") =>
        Enumerable.Range(from, n).Select(i => Row(i, Id("19800101", i), community: community)).ToArray();

    /// <summary>A source definition (the repo's population mapping under another id, file and scope) and its CSV.</summary>
    private string WriteNamedSource(string id, string csv, string? scope = null, Encoding? encoding = null)
    {
        var yaml = File.ReadAllText(RepoFile("sources/gongan-population.yaml"))
            .Replace("id: gongan-population", $"id: {id}", StringComparison.Ordinal)
            .Replace("path: 公安_实有人口.csv", $"path: {id}.csv", StringComparison.Ordinal);
        if (scope is not null) yaml += $"\nscope: {scope}\n";
        var path = Path.Combine(_fx.Root, id + ".yaml");
        File.WriteAllText(path, yaml);
        File.WriteAllText(Path.Combine(_fx.Root, id + ".csv"), csv, encoding ?? new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public async Task Run_LandlineAndBadPhone_KeepThePersonAndRecordTheFieldIssue()
    {
        var csv = Csv(
            Row(1, Id("19400101", 1), phone: "025-84561234"),
            Row(2, Id("19400101", 3), phone: "(010)65432100"),
            Row(3, Id("19400101", 5), phone: "025-84561234-801"),
            Row(4, Id("19400101", 7), phone: "1234567"));

        var report = await _fx.Runner.RunAsync(_fx.WriteSource(csv), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal(4, report.Accepted);
        Assert.Equal(0, report.Quarantined);
        Assert.Equal(1, report.FieldIssues["PHONE_FORMAT"]);
        var phones = (await _fx.ReadCurrentAsync()).ToDictionary(r => (string)r["id_number"]!, r => r["phone"] as string);
        Assert.Equal("025-84561234", phones[Id("19400101", 1)]);
        Assert.Equal("010-65432100", phones[Id("19400101", 3)]);
        Assert.Equal("025-84561234-801", phones[Id("19400101", 5)]);
        Assert.Null(phones[Id("19400101", 7)]);
        var issue = Assert.Single(Query($"SELECT * FROM read_parquet('{report.FieldIssueFile}')"));
        Assert.Equal(5L, issue["source_line"]);
        Assert.Equal("phone", issue["field"]);
        Assert.Equal("1234567", issue["original_value"]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(FileModes.File, File.GetUnixFileMode(report.FieldIssueFile!));
            Assert.Equal(FileModes.Folder, File.GetUnixFileMode(Path.GetDirectoryName(report.FieldIssueFile!)!));
        }
    }

    [Fact]
    public async Task Run_NotSuppliedField_StaysNullAndIsReported()
    {
        var yaml = File.ReadAllText(RepoFile("sources/gongan-population.yaml"))
            .Replace("  ethnicity:         { from: 民族 }", "  ethnicity:         { not_supplied: true }", StringComparison.Ordinal);

        var report = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(3)), definition: yaml), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal(["ethnicity"], report.NotSupplied);
        Assert.All(await _fx.ReadCurrentAsync(), r => Assert.Null(r["ethnicity"]));
    }

    [Fact]
    public async Task Run_NotSuppliedRequiredField_IsAConfigError()
    {
        var yaml = File.ReadAllText(RepoFile("sources/gongan-population.yaml"))
            .Replace("  person_type:       { from: 人员类型, values: { 户籍人口: 户籍, 流动人口: 流动, 境外人员: 境外 } }", "  person_type: { not_supplied: true }", StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<DataHubException>(() => _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(1)), definition: yaml), default));

        Assert.Equal("MAPPING_REQUIRED_NOT_SUPPLIED", e.Code);
    }

    [Fact]
    public async Task Run_SameKeyDifferentPerson_IsAKeyConflictNotADuplicate()
    {
        var id = Id("19800101", 1);
        var csv = Csv(Row(1, id, name: "李四", updated: "2026-11-20 08:00:00"), Row(2, id, name: "王五", updated: "2026-10-01 08:00:00"), Row(3, Id("19800101", 3)));

        var report = await _fx.Runner.RunAsync(_fx.WriteSource(csv), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal(1, report.KeyConflicts);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(1, report.QuarantinedByReason["KEY_CONFLICT"]);
        Assert.Equal(report.RowsRead, report.Accepted + report.Quarantined + report.Duplicates);
        Assert.Equal("李四", (await _fx.ReadCurrentAsync()).Single(r => (string)r["id_number"]! == id)["name"]);
        var q = Assert.Single(Query($"SELECT * FROM read_parquet('{report.QuarantineFile}')"));
        Assert.Equal(3L, q["source_line"]);
        Assert.Contains("第2行", (string)q["reasons"]!);
        Assert.Contains("王五", (string)q["original_values"]!);
        Assert.Contains("李四", (string)q["original_values"]!);
    }

    [Fact]
    public async Task Run_UnchangedInputTwice_PublishesOneVersion()
    {
        var path = _fx.WriteSource(Csv(Rows(3)));
        var first = await _fx.Runner.RunAsync(path, default);
        _fx.Time.Advance(TimeSpan.FromMinutes(5));

        var second = await _fx.Runner.RunAsync(path, default);

        Assert.Equal("unchanged", second.Status);
        Assert.Null(second.Version);
        Assert.Contains("输入未变化", second.ToText());
        var versions = await _fx.Catalog.Datasets.VersionsAsync("population", default);
        Assert.Equal(first.Version, Assert.Single(versions).Version);
        Assert.Equal("unchanged", (await _fx.Catalog.Runs.GetAsync(second.RunId, default))!.Status);
    }

    [Fact]
    public async Task Run_TruncatedLastField_IsHeldThenApprovedPublishes()
    {
        await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(5))), default);
        var cut = Csv(Rows(6));
        cut = cut[..^"\r\n".Length][..^6]; // the copy stopped inside 更新时间 of the last row, no line end

        var held = await _fx.Runner.RunAsync(_fx.WriteSource(cut), default);

        Assert.Equal("held", held.Status);
        Assert.Contains(held.ConnectorWarnings, w => w.Contains("CSV_TRUNCATED", StringComparison.Ordinal) && w.Contains("第7行", StringComparison.Ordinal));
        Assert.NotEmpty(held.HoldReasons);
        Assert.Equal(1, Assert.Single(await _fx.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);

        var approved = await _fx.Runner.ApproveAsync(held.RunId, "steward", default);

        Assert.Equal(2, approved.Version);
        Assert.Equal(2, Assert.Single(await _fx.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
        Assert.Equal("succeeded", (await _fx.Catalog.Runs.GetAsync(held.RunId, default))!.Status);
        Assert.Contains(await _fx.Catalog.Datasets.AuditTrailAsync("population", default), a => a.Action == "approve" && a.Actor == "steward");
    }

    [Fact]
    public async Task Run_AcceptedRowsDropOverAFifth_IsHeldAndRejectDiscardsIt()
    {
        await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(10))), default);

        var held = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(7))), default);

        Assert.Equal("held", held.Status);
        Assert.Equal(10, held.PreviousAccepted);
        Assert.Equal(7, held.Accepted);
        Assert.Contains("datahub runs approve", held.ToText());
        var heldDirectory = _fx.Runner.Lake.HeldDirectory("population", held.RunId);
        Assert.True(Directory.Exists(heldDirectory));

        await _fx.Runner.RejectAsync(held.RunId, "steward", default);

        Assert.False(Directory.Exists(heldDirectory));
        Assert.Equal("rejected", (await _fx.Catalog.Runs.GetAsync(held.RunId, default))!.Status);
        Assert.Equal(10, (await _fx.ReadCurrentAsync()).Count);
        await Assert.ThrowsAsync<DataHubException>(() => _fx.Runner.ApproveAsync(held.RunId, "steward", default));
    }

    [Fact]
    public async Task Run_Force_SkipsTheHoldAndIsAudited()
    {
        await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(10))), default);

        var forced = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(5))), new RunRequest { Force = true, Actor = "ops" }, default);

        Assert.True(forced.Succeeded, forced.ToText());
        Assert.True(forced.Forced);
        Assert.Equal(5, (await _fx.ReadCurrentAsync()).Count);
        Assert.Contains(await _fx.Catalog.Datasets.AuditTrailAsync("population", default), a => a.Action == "force-publish" && a.Actor == "ops");
    }

    [Fact]
    public async Task Run_FileCutInsideAMultibyteCharacter_SaysTruncated()
    {
        var bytes = new UTF8Encoding(false).GetBytes(Csv(Rows(2)) + "3," + Id("19800101", 9) + ",欧阳");
        var path = _fx.WriteSource("");
        await File.WriteAllBytesAsync(Path.Combine(_fx.Root, "公安_实有人口.csv"), bytes[..^1]);

        var report = await _fx.Runner.RunAsync(path, default);

        Assert.Equal("CSV_TRUNCATED", report.ErrorCode);
        Assert.Contains("截断", report.Error);
        Assert.DoesNotContain("另存为", report.ErrorFix);
    }

    [Fact]
    public async Task Run_TwoSourcesForTwoDistricts_KeepEachOthersRowsThroughSeveralRuns()
    {
        var nanjing = WriteNamedSource("ga-qixia", Csv(Rows(4)), scope: "[\"320113\"]");
        var beijing = WriteNamedSource("ga-chaoyang", Csv(Rows(3, from: 101, community: Beijing)), scope: "[\"110105\"]");

        await _fx.Runner.RunAsync(nanjing, default);
        await _fx.Runner.RunAsync(beijing, default);
        _fx.Time.Advance(TimeSpan.FromMinutes(1));
        WriteNamedSource("ga-qixia", Csv(Rows(4).Append(Row(5, Id("19800101", 5))).ToArray()), scope: "[\"320113\"]");
        var third = await _fx.Runner.RunAsync(nanjing, default);
        WriteNamedSource("ga-chaoyang", Csv(Rows(3, from: 101, community: Beijing).Append(Row(200, Id("19800101", 200), community: "320113002001")).ToArray()), scope: "[\"110105\"]");
        var fourth = await _fx.Runner.RunAsync(beijing, default);

        Assert.True(third.Succeeded, third.ToText());
        Assert.True(fourth.Succeeded, fourth.ToText());
        Assert.Equal(1, fourth.QuarantinedByReason["OUT_OF_SOURCE_SCOPE"]);
        var rows = await _fx.ReadAllCurrentAsync();
        Assert.Equal(5, rows.Count(r => ((string)r["community_code"]!).StartsWith("320113", StringComparison.Ordinal)));
        Assert.Equal(3, rows.Count(r => ((string)r["community_code"]!).StartsWith("110105", StringComparison.Ordinal)));
        var current = Assert.Single(await _fx.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population");
        Assert.Equal(4, current.Version);
        Assert.Equal(8, current.RowCount);
        Assert.Equal(["part-ga-chaoyang.parquet", "part-ga-qixia.parquet"], current.Files);
        Assert.Equal(Path.Combine(current.Directory, "part-ga-qixia.parquet"), await _fx.Runner.CurrentPartAsync("population", "ga-qixia", default));
        Assert.Null(await _fx.Runner.CurrentPartAsync("population", "no-such-source", default));
    }

    [Fact]
    public async Task Run_ThirdSourceOverlappingAnother_IsAConfigErrorNamingBothFiles()
    {
        await _fx.Runner.RunAsync(WriteNamedSource("ga-qixia", Csv(Rows(2)), scope: "[\"320113\"]"), default);
        var overlapping = WriteNamedSource("ga-maqun", Csv(Rows(2, from: 50)), scope: "[\"320113002\"]");

        var e = await Assert.ThrowsAsync<DataHubException>(() => _fx.Runner.RunAsync(overlapping, default));

        Assert.Equal("SOURCE_SCOPE_OVERLAP", e.Code);
        Assert.Contains("ga-qixia.yaml", e.UserMessage);
        Assert.Contains("ga-maqun.yaml", e.UserMessage);
    }

    [Fact]
    public async Task Run_UndeclaredScope_IsTheFirstRunsStreetsAndStated()
    {
        var first = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(2))), default);

        Assert.Equal(["320113002"], first.Scope);
        Assert.False(first.ScopeDeclared);
        Assert.Contains("按首次运行的数据确定", first.ToText());
    }

    [Fact]
    public async Task Rollback_MakesAnEarlierVersionCurrentAndIsAudited()
    {
        await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(3))), default);
        await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(3).Append(Row(9, Id("19800101", 9))).ToArray())), default);

        await _fx.Runner.RollbackAsync("population", 1, "steward", default);

        Assert.Equal(1, Assert.Single(await _fx.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
        Assert.Equal(3, (await _fx.ReadCurrentAsync()).Count);
        var audit = Assert.Single(await _fx.Catalog.Datasets.AuditTrailAsync("population", default), a => a.Action == "rollback");
        Assert.Equal("steward", audit.Actor);
        Assert.Equal("from v2", audit.Detail);
        var e = await Assert.ThrowsAsync<DataHubException>(() => _fx.Runner.RollbackAsync("population", 7, "steward", default));
        Assert.Equal("VERSION_NOT_RETAINED", e.Code);
    }

    [Fact]
    public async Task Retention_KeepsCountButNeverCurrentOrYoungerThanADay()
    {
        for (var i = 1; i <= 5; i++)
        {
            await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(10 + i))), default);
            _fx.Time.Advance(TimeSpan.FromHours(1));
        }
        // KeepVersions = 3, but every version is younger than a day: none retired yet.
        Assert.Equal(5, (await _fx.Catalog.Datasets.LiveVersionsAsync(default)).Count(v => v.Dataset == "population"));

        _fx.Time.Advance(TimeSpan.FromDays(2));
        await _fx.Runner.RollbackAsync("population", 1, "steward", default);
        var retired = await _fx.Runner.ApplyRetentionAsync("population", default);

        var live = (await _fx.Catalog.Datasets.LiveVersionsAsync(default)).Where(v => v.Dataset == "population").Select(v => v.Version).Order().ToArray();
        Assert.Equal([1L, 4L, 5L], live); // the current one (v1, rolled back to) is kept beyond the count
        Assert.Equal([2L, 3L], retired.Select(v => v.Version).Order());
        Assert.All(retired, v => Assert.False(Directory.Exists(v.Directory)));
    }

    [Fact]
    public async Task ReadBack_RowCountOrOrderMismatch_RefusesToPublish()
    {
        var report = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Rows(3, community: "320113002002").Concat(Rows(2, from: 10)).ToArray())), default);
        var current = Assert.Single(await _fx.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population");
        var part = Path.Combine(current.Directory, current.Files[0]);
        var schema = DataHub.Core.Schema.SchemaLoader.Get("population");

        await ParquetReadBack.VerifyAsync(part, schema, report.Accepted, default);
        var count = await Assert.ThrowsAsync<DataHubException>(() => ParquetReadBack.VerifyAsync(part, schema, report.Accepted + 1, default));
        Assert.Equal("PUBLISH_READBACK", count.Code);

        var unsorted = Path.Combine(_fx.Root, "unsorted.parquet");
        Query($"COPY (SELECT * FROM read_parquet('{part}') ORDER BY community_code DESC) TO '{unsorted}' (FORMAT parquet)");
        var order = await Assert.ThrowsAsync<DataHubException>(() => ParquetReadBack.VerifyAsync(unsorted, schema, report.Accepted, default));
        Assert.Contains("排序", order.UserMessage);
    }
}
