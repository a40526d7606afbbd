using System.Text;
using DataHub.Core.Failures;
using DataHub.Core.Standards;
using Xunit;
using static DataHub.Pipelines.Tests.PipelineFixture;

namespace DataHub.Pipelines.Tests.Ingestion;

public sealed class IngestionRunnerTests : IAsyncLifetime
{
    private PipelineFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await PipelineFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    /// <summary>A valid 18-digit ID number for a birth date and sequence.</summary>
    internal static string Id(string birth, int seq, string area = "320113")
    {
        var first17 = area + birth + seq.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
        return first17 + IdNumber.CheckChar(first17);
    }

    [Fact]
    public async Task Run_MixedExport_AccountsForEveryRowAndPublishesSortedVersion()
    {
        var good1 = Id("19800101", 1);
        var good2 = Id("19900307", 2);
        var badCheck = Id("19750505", 3)[..17] + (Id("19750505", 3)[17] == '1' ? "2" : "1");
        var fullWidth = string.Concat(Id("19850606", 5).Select(c => char.IsAsciiDigit(c) ? (char)(c + 0xFEE0) : c));
        var csv = Csv(
            Row(1, good1, community: "320113002002"),
            Row(2, good2),
            Row(3, badCheck),
            Row(4, fullWidth, phone: "+86 138-1234-8000"),
            Row(5, Id("19700101", 7), community: "320113002999"),
            Row(6, Id("19600101", 9), name: ""),
            Row(7, good1, community: "320113002002", updated: "2026/11/20 9:30"),
            Row(8, Id("19550101", 11), birth: "1955年13月1日"));

        var report = await _fx.Runner.RunAsync(_fx.WriteSource(csv), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal(8, report.RowsRead);
        Assert.Equal(4, report.Accepted);
        Assert.Equal(3, report.Quarantined);
        Assert.Equal(1, report.Duplicates);
        Assert.Equal(report.RowsRead, report.Accepted + report.Quarantined + report.Duplicates);
        Assert.Equal(1, report.QuarantinedByReason["ID_CHECK_DIGIT"]);
        Assert.Equal(1, report.QuarantinedByReason["DIVISION_UNKNOWN"]);
        Assert.Equal(1, report.QuarantinedByReason["REQUIRED_MISSING"]);
        // 出生日期 is not a record field: the bad date is a field issue, the person is kept (birth date from the ID).
        Assert.False(report.QuarantinedByReason.ContainsKey("DATE_FORMAT"));
        Assert.Equal(1, report.FieldIssues["DATE_FORMAT"]);
        Assert.Equal(1, report.Version);

        var rows = await _fx.ReadCurrentAsync();
        Assert.Equal(4, rows.Count);
        var fixedBirth = rows.Single(r => (string)r["id_number"]! == Id("19550101", 11));
        Assert.Equal(new DateOnly(1955, 1, 1), fixedBirth["birth_date"] is DateOnly d ? d : DateOnly.FromDateTime((DateTime)fixedBirth["birth_date"]!));
        Assert.Equal(rows.Select(r => (string)r["community_code"]!).Order(StringComparer.Ordinal), rows.Select(r => (string)r["community_code"]!));
        var normalised = rows.Single(r => (string)r["id_number"]! == Id("19850606", 5));
        Assert.Equal("13812348000", normalised["phone"]);
        Assert.Equal("男", normalised["gender"]); // derived: sequence 005 is odd
    }

    [Fact]
    public async Task Run_Duplicates_KeepTheNewestByUpdateTime()
    {
        var id = Id("19800101", 1);
        var csv = Csv(
            Row(1, id, name: "李四", updated: "2026-11-20 08:00:00", phone: "13900001111"),
            Row(2, id, name: "李四", updated: "2026-10-01 08:00:00"),
            Row(3, id.ToLowerInvariant(), name: "李 四", updated: "20261001"));

        var report = await _fx.Runner.RunAsync(_fx.WriteSource(csv), default);

        Assert.Equal(2, report.Duplicates);
        Assert.Equal(0, report.KeyConflicts);
        var row = Assert.Single(await _fx.ReadCurrentAsync());
        Assert.Equal("13900001111", row["phone"]);
        var dups = Query($"SELECT source_line, kept_line FROM read_parquet('{Path.Combine(_fx.Runner.Lake.RunDirectory(report.RunId), "duplicates.parquet")}') ORDER BY source_line");
        Assert.Equal([3L, 4L], dups.Select(d => (long)d["source_line"]!));
        Assert.All(dups, d => Assert.Equal(2L, d["kept_line"]));
    }

    [Fact]
    public async Task Run_SmallBatches_DeduplicatesAcrossStagingFilesAndLeavesNoScratch()
    {
        // Two records per batch: each batch's accepted rows are their own staging file, one batch has none.
        var yaml = File.ReadAllText(RepoFile("sources/gongan-population.yaml"))
            .Replace("  encoding: auto", "  batch_size: 2\n  encoding: auto", StringComparison.Ordinal);
        var id = Id("19800101", 1);
        var csv = Csv(
            Row(1, id, updated: "2026-11-20 08:00:00", phone: "13900001111"),
            Row(2, Id("19900307", 2)),
            Row(3, "32011319800101001"),
            Row(4, "32011319800101002"),
            Row(5, id, updated: "2026-10-01 08:00:00"),
            Row(6, Id("19900307", 2), name: "王五", updated: "2026-11-02 08:00:00"),
            Row(7, Id("19700101", 7)));

        var report = await _fx.Runner.RunAsync(_fx.WriteSource(csv, definition: yaml), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal(7, report.RowsRead);
        Assert.Equal(3, report.Accepted);
        Assert.Equal(3, report.Quarantined); // two bad ID numbers and the key conflict
        Assert.Equal(1, report.Duplicates);
        Assert.Equal(1, report.KeyConflicts);
        var rows = await _fx.ReadCurrentAsync();
        Assert.Equal("13900001111", rows.Single(r => (string)r["id_number"]! == id)["phone"]);
        Assert.Equal("王五", rows.Single(r => (string)r["id_number"]! == Id("19900307", 2))["name"]);
        var runDirectory = _fx.Runner.Lake.RunDirectory(report.RunId);
        Assert.False(Directory.Exists(Path.Combine(runDirectory, ".staging-accepted")));
        Assert.Empty(Directory.GetFiles(runDirectory, "stage.duckdb*"));
    }

    [Fact]
    public async Task Run_QuarantineFile_HoldsLineReasonAndOriginalValues()
    {
        var csv = Csv(Row(1, Id("19800101", 1)), Row(2, "32011319800101001", name: "王五"));

        var report = await _fx.Runner.RunAsync(_fx.WriteSource(csv), default);

        var q = Assert.Single(Query($"SELECT * FROM read_parquet('{report.QuarantineFile}')"));
        Assert.Equal(3L, q["source_line"]);
        Assert.Equal("ID_LENGTH", q["reason_codes"]);
        Assert.Contains("公民身份号码", (string)q["reasons"]!);
        Assert.Contains("\"姓名\":\"王五\"", (string)q["original_values"]!);
    }

    [Fact]
    public async Task Run_DerivesGenderBirthDateAndCommunityFromReference()
    {
        var report = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Row(1, Id("19800101", 2)))), default);

        Assert.True(report.Succeeded, report.ToText());
        var row = Assert.Single(await _fx.ReadCurrentAsync());
        Assert.Equal("女", row["gender"]);
        Assert.Equal(new DateOnly(1980, 1, 1), row["birth_date"] is DateOnly d ? d : DateOnly.FromDateTime((DateTime)row["birth_date"]!));
        Assert.Equal("马群社区居委会", row["community_name"]);
        Assert.Equal("320113002", row["street_code"]);
        Assert.Matches("^[0-9a-f]{16}$", (string)row["record_id"]!);
        // 更新时间 "2026-11-01 08:00:00" without an offset is Beijing time.
        var current = (await _fx.Catalog.Datasets.CurrentVersionsAsync(default)).Single(v => v.Dataset == "population");
        var updated = Query($"SELECT epoch(updated_at) AS s FROM read_parquet('{Path.Combine(current.Directory, current.Files[0])}')")[0]["s"];
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Convert.ToInt64(updated, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Run_ValuesWithQuotesCommasAndNewlines_SurviveStagingUnchanged()
    {
        var yaml = File.ReadAllText(RepoFile("sources/gongan-population.yaml"))
            .Replace("current_address:   { from: 现住址, transforms: [single_line] }", "current_address:   { from: 现住址 }", StringComparison.Ordinal);
        var tricky = "马群街道\"百水芊城\"12栋,\n2单元 \\ 301室";
        var csv = Csv(Row(1, Id("19800101", 1)).Replace("\"江苏省南京市栖霞区马群街道2号, 3栋\"", "\"" + tricky.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"", StringComparison.Ordinal));

        var report = await _fx.Runner.RunAsync(_fx.WriteSource(csv, definition: yaml), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal(tricky, Assert.Single(await _fx.ReadCurrentAsync())["current_address"]);
    }

    [Fact]
    public async Task Run_Gb18030Export_IsDetectedAndRead()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var report = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Row(1, Id("19800101", 1), name: "欧阳娜娜")), Encoding.GetEncoding("GB18030")), default);

        Assert.True(report.Succeeded, report.ToText());
        Assert.Equal("欧阳娜娜", Assert.Single(await _fx.ReadCurrentAsync())["name"]);
    }

    [Theory]
    [InlineData("ragged", "CSV_RAGGED_ROW")]
    [InlineData("empty", "CSV_EMPTY")]
    [InlineData("header-only", "SOURCE_NO_ROWS")]
    [InlineData("missing-column", "MAPPING_COLUMN_MISSING")]
    [InlineData("option-typo", "SOURCE_CONNECTOR_OPTION_UNKNOWN")]
    [InlineData("binary", "CSV_ENCODING")]
    public async Task Run_BadInput_FailsClearlyAndKeepsPreviousVersionServed(string kind, string code)
    {
        var first = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Row(1, Id("19800101", 1)))), default);
        Assert.True(first.Succeeded, first.ToText());
        var before = Assert.Single(await _fx.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population");
        _fx.Time.Advance(TimeSpan.FromMinutes(1));

        var csv = kind switch
        {
            "ragged" => Csv(Row(1, Id("19800101", 1)), Row(2, Id("19800101", 3)) + ",多出来的一列"),
            "empty" => "",
            "header-only" => Header + "\r\n",
            "option-typo" => "",
            "missing-column" => Csv(Row(1, Id("19800101", 1))).Replace("社区代码,", "社区编码,", StringComparison.Ordinal),
            _ => "\0\u0001\u0002binary\0",
        };
        var definition = kind == "option-typo"
            ? File.ReadAllText(RepoFile("sources/gongan-population.yaml")).Replace("  encoding: auto", "  encodng: auto", StringComparison.Ordinal)
            : null;
        var path = _fx.WriteSource(kind == "option-typo" ? Csv(Row(1, Id("19800101", 1))) : csv, kind == "binary" ? Encoding.Unicode : null, definition);
        var report = await _fx.Runner.RunAsync(path, default);

        Assert.False(report.Succeeded);
        Assert.Equal(code, report.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(report.Error));
        Assert.False(string.IsNullOrWhiteSpace(report.ErrorFix));
        Assert.DoesNotContain("   at ", report.ToText(), StringComparison.Ordinal);
        Assert.Null(report.Version);
        var after = Assert.Single(await _fx.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population");
        Assert.Equal(before.Version, after.Version);
        Assert.True(File.Exists(Path.Combine(after.Directory, after.Files[0])));
        Assert.Single(_fx.Runner.Lake.VersionsOnDisk("population"));
        Assert.Empty(Directory.EnumerateDirectories(_fx.Runner.Lake.DatasetDirectory("population"), ".staging-*"));
        var run = (await _fx.Catalog.Runs.RecentAsync("population", 1, default))[0];
        Assert.Equal("failed", run.Status);
        Assert.Equal(code, run.ErrorCode);
    }

    [Fact]
    public async Task Run_RaggedRow_NamesTheLine()
    {
        var csv = Csv(Row(1, Id("19800101", 1)), Row(2, Id("19800101", 3)), Row(3, Id("19800101", 5))[..40]);
        var report = await _fx.Runner.RunAsync(_fx.WriteSource(csv), default);
        Assert.Equal("CSV_RAGGED_ROW", report.ErrorCode);
        Assert.Contains("4", report.ErrorWhere);
    }

    [Theory]
    [InlineData("fields:", "fields:\n  no_such_field: { from: 姓名 }", "MAPPING_FIELD_UNKNOWN")]
    [InlineData("  name:              { from: 姓名, transforms: [remove_spaces] }", "  name: { from: 姓名, transforms: [reverse] }", "MAPPING_TRANSFORM_UNKNOWN")]
    [InlineData("  name:              { from: 姓名, transforms: [remove_spaces] }", "", "MAPPING_REQUIRED_UNMAPPED")]
    [InlineData("dataset: population", "dataset: populace", "SOURCE_DATASET_UNKNOWN")]
    [InlineData("dataset: population", "dataset: [population", "SOURCE_YAML")]
    public async Task Load_BadDefinition_ThrowsConfigErrorWithFix(string find, string replace, string code)
    {
        var yaml = File.ReadAllText(RepoFile("sources/gongan-population.yaml"));
        Assert.Contains(find, yaml);
        var path = _fx.WriteSource(Csv(Row(1, Id("19800101", 1))), definition: yaml.Replace(find, replace, StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<DataHubException>(() => _fx.Runner.RunAsync(path, default));

        Assert.Equal(code, e.Code);
        Assert.Equal(FailureKind.Config, e.Kind);
        Assert.NotNull(e.Fix);
        Assert.Contains("gongan-population.yaml", e.Where);
        Assert.Empty(await _fx.Catalog.Datasets.CurrentVersionsAsync(default));
    }

    [Fact]
    public async Task Run_Twice_PublishesNewVersionAndKeepsPreviousReadable()
    {
        var r1 = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Row(1, Id("19800101", 1)))), default);
        var r2 = await _fx.Runner.RunAsync(_fx.WriteSource(Csv(Row(1, Id("19800101", 1)), Row(2, Id("19800101", 3)))), default);

        Assert.Equal(1, r1.Version);
        Assert.Equal(2, r2.Version);
        Assert.Equal(2, (await _fx.ReadCurrentAsync()).Count);
        var v1 = (await _fx.Catalog.Datasets.GetVersionAsync("population", 1, default))!;
        Assert.Single(Query($"SELECT * FROM read_parquet('{Path.Combine(v1.Directory, v1.Files[0])}')"));
    }

    [Fact]
    public async Task Run_CancelledToken_PublishesNothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _fx.Runner.RunAsync(_fx.WriteSource(Csv(Row(1, Id("19800101", 1)))), cts.Token));
        Assert.Empty(await _fx.Catalog.Datasets.CurrentVersionsAsync(default));
    }
}
