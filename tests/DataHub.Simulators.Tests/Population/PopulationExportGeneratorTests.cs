using System.Diagnostics;
using System.Text;
using DataHub.Core.Failures;
using DataHub.Core.Standards;
using DataHub.Simulators.Population;
using Xunit;

namespace DataHub.Simulators.Tests.Population;

public sealed class PopulationExportGeneratorTests(PopulationExportFixture fx) : IClassFixture<PopulationExportFixture>, IDisposable
{
    // Written out again here (not taken from the generator) so that a changed header fails a test.
    private const string ExpectedHeader = "序号, 公民身份号码 ,姓名,性别,民族,出生日期,户籍地址,现住址,社区代码,社区名称,人员类型,迁入日期,人员状态,联系电话（手机）,更新时间";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "datahub-sim-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private string NewPath(string name = "export.csv") => Path.Combine(_folder, name);

    private static Task<PopulationExportManifest> Generate(PopulationExportOptions options, CancellationToken cancellationToken = default) =>
        new PopulationExportGenerator().GenerateAsync(options, cancellationToken);

    [Fact]
    public void Generate_Default_ManifestInvariantHolds()
    {
        var m = fx.Manifest;
        Assert.Equal(20_000, m.TotalRows);
        Assert.Equal(m.TotalRows, m.ExpectedAccepted + m.ExpectedQuarantined + m.ExpectedDuplicates);
        Assert.Equal(m.ExpectedQuarantined, m.ReasonCounts.Values.Sum());
        Assert.Equal(m.ReasonCounts[PopulationReasonCodes.RequiredMissing], m.RequiredMissingByField.Values.Sum());
        Assert.Equal(m.ExpectedAccepted, m.AcceptedByCommunity.Values.Sum());
        Assert.Equal(PopulationReasonCodes.All.Order(StringComparer.Ordinal), m.ReasonCounts.Keys);
        Assert.Equal(DemoDistrict.Communities.Select(c => c.Code).Order(StringComparer.Ordinal), m.AcceptedByCommunity.Keys);
    }

    [Fact]
    public void Generate_DefaultRates_PlantsEveryReasonAndDuplicates()
    {
        foreach (var code in PopulationReasonCodes.All) Assert.True(fx.Manifest.ReasonCounts[code] > 0, code);
        foreach (var code in PopulationFieldIssueCodes.All) Assert.True(fx.Manifest.FieldIssueCounts[code] > 0, code);
        Assert.True(fx.Manifest.RequiredMissingByField["name"] > 0);
        Assert.True(fx.Manifest.RequiredMissingByField["id_number"] > 0);
        Assert.InRange(fx.Manifest.ExpectedDuplicates, 120, 280);
        Assert.InRange(fx.Manifest.ReasonCounts[PopulationReasonCodes.IdCheckDigit], 120, 280);
    }

    [Fact]
    public void Generate_Default_ReasonCountsMatchIndependentRecheck()
    {
        var check = fx.Recheck;
        Assert.Empty(check.Problems.Take(20));
        Assert.Equal(fx.Manifest.TotalRows, check.Total);
        Assert.Equal(fx.Manifest.ReasonCounts, check.Reasons.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.Equal(fx.Manifest.FieldIssueCounts, check.FieldIssues.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.True(fx.Manifest.Variations[PopulationVariations.PhoneLandline] > 0);
        Assert.Equal(fx.Manifest.RequiredMissingByField, check.MissingByField.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.Equal(fx.Manifest.ExpectedQuarantined, check.Quarantined);
        Assert.Equal(fx.Manifest.ExpectedDuplicates, check.Duplicates);
        Assert.Equal(fx.Manifest.ExpectedAccepted, check.Accepted);
        Assert.Equal(fx.Manifest.AcceptedByCommunity, check.AcceptedByCommunity.OrderBy(x => x.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Generate_Default_EveryAcceptedIdNormalisesToAValid18DigitNumber()
    {
        Assert.NotEmpty(fx.Recheck.AcceptedIds);
        foreach (var id in fx.Recheck.AcceptedIds)
        {
            var again = IdNumber.Normalize(id);
            Assert.True(again.IsOk);
            Assert.Equal(id, again.Value);
            Assert.Equal(18, id.Length);
        }
    }

    [Fact]
    public void Generate_Default_WritesAcceptableMessiness()
    {
        foreach (var key in PopulationVariations.All) Assert.True(fx.Manifest.Variations[key] > 0, key);
        var ids = fx.Records.Skip(1).Select(r => TextNormalizer.TrimAll(r[1])).ToList();
        Assert.Contains(ids, id => id.Length == 15);
        Assert.Contains(ids, id => id.EndsWith('x'));
        Assert.Contains(ids, id => id.Any(c => c is >= '０' and <= '９'));
        // Every 15-digit number belongs to someone born in the 1900s and upgrades to a valid 18-digit one.
        foreach (var legacy in ids.Where(id => id.Length == 15 && id.All(char.IsAsciiDigit)))
            Assert.True(IdNumber.Normalize(legacy).IsOk);
    }

    [Fact]
    public void Generate_Default_IsGb18030()
    {
        var gb = PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Gb18030);
        var text = gb.GetString(fx.Bytes);
        Assert.StartsWith(ExpectedHeader + "\r\n", text, StringComparison.Ordinal);
        Assert.NotEqual(0xEF, fx.Bytes[0]);
        Assert.ThrowsAny<DecoderFallbackException>(() => PopulationExportFixture.StrictUtf8.GetString(fx.Bytes));
    }

    [Fact]
    public void Generate_Default_HeaderIsExact()
    {
        Assert.Equal(ExpectedHeader, PopulationExportGenerator.Header);
        Assert.Equal(ExpectedHeader, fx.Text[..fx.Text.IndexOf("\r\n", StringComparison.Ordinal)]);
        Assert.Equal(PopulationExportGenerator.ColumnCount, fx.Records[0].Length);
        Assert.Equal(" 公民身份号码 ", fx.Records[0][1]);
    }

    [Fact]
    public void Generate_Default_QuotesEmbeddedNewlinesCommasAndQuotes()
    {
        Assert.Equal(fx.Manifest.TotalRows + 1, fx.Records.Count);
        Assert.All(fx.Records, r => Assert.Equal(PopulationExportGenerator.ColumnCount, r.Length));
        var addresses = fx.Records.Skip(1).SelectMany(r => new[] { r[6], r[7] }).ToList();
        Assert.Contains(addresses, a => a.Contains('\n', StringComparison.Ordinal));
        Assert.Contains(addresses, a => a.Contains(',', StringComparison.Ordinal));
        Assert.Contains(addresses, a => a.Contains('"', StringComparison.Ordinal));
        // The raw text has more line breaks than records: the embedded ones sit inside quotes.
        Assert.True(fx.Text.Count(c => c == '\n') > fx.Records.Count);
    }

    [Fact]
    public void Generate_Default_SpreadsPersonTypesAndCommunitiesRealistically()
    {
        var rows = fx.Records.Skip(1).ToList();
        double Share(string type) => rows.Count(r => TextNormalizer.TrimAll(r[10]) == type) / (double)rows.Count;
        Assert.InRange(Share("户籍"), 0.66, 0.74);
        Assert.InRange(Share("流动"), 0.24, 0.32);
        Assert.InRange(Share("境外"), 0.01, 0.03);
        Assert.All(fx.Manifest.AcceptedByCommunity.Values, n => Assert.True(n > 0));
        Assert.True(rows.Count(r => TextNormalizer.TrimAll(r[4]) is "汉族" or "汉") > rows.Count * 0.85);
    }

    [Fact]
    public async Task Generate_SameSeed_WritesIdenticalBytes()
    {
        var a = await Generate(DemoDistrict.Options(NewPath("a.csv"), rows: 5_000, seed: 11));
        var b = await Generate(DemoDistrict.Options(NewPath("b.csv"), rows: 5_000, seed: 11));
        Assert.Equal(await File.ReadAllBytesAsync(NewPath("a.csv")), await File.ReadAllBytesAsync(NewPath("b.csv")));
        Assert.Equal(a.ToJson(), b.ToJson());
    }

    [Fact]
    public async Task Generate_DifferentSeed_WritesDifferentFile()
    {
        await Generate(DemoDistrict.Options(NewPath("a.csv"), rows: 2_000, seed: 11));
        await Generate(DemoDistrict.Options(NewPath("b.csv"), rows: 2_000, seed: 12));
        Assert.NotEqual(await File.ReadAllBytesAsync(NewPath("a.csv")), await File.ReadAllBytesAsync(NewPath("b.csv")));
    }

    [Fact]
    public async Task Generate_Utf8WithBom_WritesBomAndSameTextAsGb18030()
    {
        var options = DemoDistrict.Options(NewPath("utf8.csv"), rows: 3_000, seed: 5) with { Encoding = PopulationExportEncoding.Utf8WithBom };
        var manifest = await Generate(options);
        await Generate(options with { OutputPath = NewPath("gb.csv"), Encoding = PopulationExportEncoding.Gb18030 });

        var bytes = await File.ReadAllBytesAsync(NewPath("utf8.csv"));
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = PopulationExportFixture.StrictUtf8.GetString(bytes, 3, bytes.Length - 3);
        Assert.StartsWith(ExpectedHeader + "\r\n", text, StringComparison.Ordinal);
        var gbText = PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Gb18030).GetString(await File.ReadAllBytesAsync(NewPath("gb.csv")));
        Assert.Equal(gbText, text);
        Assert.Equal("UTF-8-BOM", manifest.Encoding);

        var check = PopulationRecheck.Run(TestCsv.Parse(text), DemoDistrict.Communities, DemoDistrict.Now);
        Assert.Empty(check.Problems.Take(20));
        Assert.Equal(manifest.ExpectedAccepted, check.Accepted);
        Assert.Equal(manifest.ExpectedDuplicates, check.Duplicates);
    }

    [Fact]
    public async Task Generate_NoDefectsNoMess_AcceptsEveryRowInCanonicalForm()
    {
        var options = DemoDistrict.Options(NewPath(), rows: 3_000) with { DefectRates = PopulationDefectRates.None, AcceptableMess = false };
        var manifest = await Generate(options);

        Assert.Equal(3_000, manifest.ExpectedAccepted);
        Assert.Equal(0, manifest.ExpectedQuarantined + manifest.ExpectedDuplicates);
        var records = TestCsv.Parse(PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Gb18030).GetString(await File.ReadAllBytesAsync(NewPath())));
        Assert.All(records.Skip(1), r =>
        {
            Assert.Equal(r[1], IdNumber.Normalize(r[1]).Value);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", r[5]);
            Assert.Matches(@"^1[3-9]\d{9}$", r[13]);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", r[14]);
        });
        var check = PopulationRecheck.Run(records, DemoDistrict.Communities, DemoDistrict.Now);
        Assert.Empty(check.Problems.Take(20));
        Assert.Equal(3_000, check.Accepted);
    }

    [Fact]
    public async Task Generate_HighRates_StillOneDefectPerRowAndCountsMatch()
    {
        var rates = new PopulationDefectRates
        {
            IdCheckDigit = 0.06, DivisionUnknown = 0.06, DateFormat = 0.06, NameMissing = 0.06,
            IdMissing = 0.06, PhoneFormat = 0.06, IdLength = 0.06, Duplicate = 0.08,
        };
        var manifest = await Generate(DemoDistrict.Options(NewPath(), rows: 4_000, seed: 3) with { DefectRates = rates });
        var text = PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Gb18030).GetString(await File.ReadAllBytesAsync(NewPath()));
        var check = PopulationRecheck.Run(TestCsv.Parse(text), DemoDistrict.Communities, DemoDistrict.Now);

        Assert.Empty(check.Problems.Take(20));
        Assert.Equal(manifest.ReasonCounts, check.Reasons.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.Equal(manifest.FieldIssueCounts, check.FieldIssues.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.Equal(manifest.ExpectedDuplicates, check.Duplicates);
        Assert.Equal(manifest.AcceptedByCommunity, check.AcceptedByCommunity.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.Equal(manifest.TotalRows, manifest.ExpectedAccepted + manifest.ExpectedQuarantined + manifest.ExpectedDuplicates);
    }

    [Fact]
    public async Task Generate_DefaultBirthplaces_UseOnlyListedAddressCodes()
    {
        var options = DemoDistrict.Options(NewPath(), rows: 2_000) with { DefectRates = PopulationDefectRates.None };
        await Generate(options);
        var text = PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Gb18030).GetString(await File.ReadAllBytesAsync(NewPath()));
        var allowed = PopulationExportOptions.DefaultBirthplaceDistricts.Concat(["810000", "820000"]).ToHashSet(StringComparer.Ordinal);
        Assert.All(TestCsv.Parse(text).Skip(1), r => Assert.Contains(IdNumber.Normalize(r[1]).Value![..6], allowed));
    }

    [Fact]
    public async Task Generate_PreCancelled_ThrowsAndLeavesExistingFileAlone()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(NewPath(), "old");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generate(DemoDistrict.Options(NewPath(), rows: 1_000), cts.Token));

        Assert.Equal("old", await File.ReadAllTextAsync(NewPath()));
        Assert.False(File.Exists(NewPath() + ".partial"));
        // The generator is still usable afterwards.
        var manifest = await Generate(DemoDistrict.Options(NewPath(), rows: 100));
        Assert.Equal(100, manifest.TotalRows);
    }

    [Fact]
    public async Task Generate_CancelledWhileWriting_RemovesPartialFile()
    {
        // 2,000,000 rows take seconds; the token fires long before the end, while rows are being written.
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generate(DemoDistrict.Options(NewPath(), rows: 2_000_000), cts.Token));
        Assert.False(File.Exists(NewPath()));
        Assert.False(File.Exists(NewPath() + ".partial"));
    }

    [Theory]
    [InlineData("bad-community")]
    [InlineData("duplicate-community")]
    [InlineData("bad-birthplace")]
    [InlineData("no-rows")]
    [InlineData("rates-too-high")]
    [InlineData("negative-rate")]
    public async Task Generate_InvalidOptions_ThrowsConfigFailure(string problem)
    {
        var options = DemoDistrict.Options(NewPath(), rows: 10);
        options = problem switch
        {
            "bad-community" => options with { Communities = [("32011300100", "尧化社区居委会")] },
            "duplicate-community" => options with { Communities = [("320113001001", "尧化社区居委会"), ("320113001001", "尧化社区居委会")] },
            "bad-birthplace" => options with { BirthplaceDistricts = ["990101"] },
            "no-rows" => options with { RowCount = 0 },
            "rates-too-high" => options with { DefectRates = new PopulationDefectRates { Duplicate = 0.6 } },
            _ => options with { DefectRates = new PopulationDefectRates { IdLength = -0.1 } },
        };
        var ex = await Assert.ThrowsAsync<DataHubException>(() => Generate(options));
        Assert.Equal(FailureKind.Config, ex.Kind);
        Assert.False(File.Exists(NewPath()));
    }

    [Fact]
    public async Task Manifest_Json_RoundTrips()
    {
        Directory.CreateDirectory(_folder);
        await fx.Manifest.WriteJsonAsync(NewPath("manifest.json"));
        var json = await File.ReadAllTextAsync(NewPath("manifest.json"), Encoding.UTF8);
        Assert.Contains("\"expectedAccepted\"", json, StringComparison.Ordinal);
        Assert.Contains("\"ID_CHECK_DIGIT\"", json, StringComparison.Ordinal);
        var back = PopulationExportManifest.FromJson(json);
        Assert.Equal(fx.Manifest.TotalRows, back.TotalRows);
        Assert.Equal(fx.Manifest.ExpectedAccepted, back.ExpectedAccepted);
        Assert.Equal(fx.Manifest.ExpectedQuarantined, back.ExpectedQuarantined);
        Assert.Equal(fx.Manifest.ExpectedDuplicates, back.ExpectedDuplicates);
        Assert.Equal(fx.Manifest.ReasonCounts, back.ReasonCounts);
        Assert.Equal(fx.Manifest.AcceptedByCommunity, back.AcceptedByCommunity);
        Assert.Equal(fx.Manifest.Now, back.Now);
        Assert.Equal(json, back.ToJson());
    }
}
