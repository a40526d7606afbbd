using System.Text.Json;
using DataHub.Catalog.Changes;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.OpenList;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Core.Standards;
using MiniExcelLibs;
using Xunit;

namespace DataHub.Catalog.Tests.Metadata;

public abstract class MetadataCatalogTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;
    private DataHubCatalog _catalog = null!;
    private static readonly Principal Steward = new("steward", "数据管理员", Role.Steward, "320113");

    protected MetadataCatalogTests(CatalogFixture fx) => _fx = fx;

    public async Task InitializeAsync()
    {
        _catalog = await _fx.OpenAsync();
        await _catalog.Datasets.RegisterAsync(SchemaLoader.Get("population"), SchemaLoader.RawText("population"),
            new DatasetMetadata("320113-GA", "南京市公安局栖霞分局", "320113-GA-RK-0001", ShareTypes.Conditional, "按社区授权", "每日"), default);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Edits_AreNewVersions_WithWhoAndWhen_AndAudited()
    {
        var initial = (await _catalog.Metadata.GetAsync("population", default))!;
        Assert.Equal(0, initial.Version);
        Assert.Equal("320113-GA-RK-0001", initial.Metadata.ResourceCode);

        var before = _catalog.Signal.Version(ChangeKind.Metadata);
        var v1 = await _catalog.Metadata.SetAsync("population", new Dictionary<string, string> { ["theme"] = "人口", ["classification"] = "基础信息资源/人口" }, Steward, default);
        _fx.Time.Advance(TimeSpan.FromMinutes(3));
        var v2 = await _catalog.Metadata.SetAsync("population", new Dictionary<string, string> { ["open"] = "否", ["published"] = "2026-11-28", ["related"] = "320113-ZJ-FW-0001，320113-MZ-0002" }, Steward, default);
        Assert.Equal((1, 2), (v1.Version, v2.Version));
        Assert.True(_catalog.Signal.Version(ChangeKind.Metadata) > before);
        var latest = (await _catalog.Metadata.GetAsync("population", default))!;
        Assert.Equal("人口", latest.Metadata.Theme);
        Assert.Equal(new DateOnly(2026, 11, 28), latest.Metadata.PublishedOn);
        Assert.Equal(["320113-ZJ-FW-0001", "320113-MZ-0002"], latest.Metadata.RelatedResources);
        var history = await _catalog.Metadata.HistoryAsync("population", default);
        Assert.Equal([2, 1], history.Select(h => h.Version).ToArray());
        Assert.True(history[0].EditedAt > history[1].EditedAt);
        Assert.Equal("", history[1].Metadata.PublishedOn?.ToString() ?? "");
        Assert.Equal(2, (await _catalog.Changes.SearchAsync("metadata", "population", "steward", null, 10, default)).Count);
    }

    [Fact]
    public async Task Edits_AreChecked()
    {
        async Task<string> Code(string key, string value, Principal? who = null) => (await Assert.ThrowsAsync<DataHubException>(() =>
            _catalog.Metadata.SetAsync("population", new Dictionary<string, string> { [key] = value }, who ?? Steward, default))).Code;
        Assert.Equal("METADATA_SHARE_TYPE", await Code("share-type", "随便"));
        Assert.Equal("METADATA_UPDATE_CYCLE", await Code("update-cycle", "偶尔"));
        Assert.Equal("METADATA_DATE", await Code("published", "2026/11/28"));
        Assert.Equal("METADATA_KEY", await Code("colour", "红"));
        Assert.Equal("METADATA_FORBIDDEN", await Code("theme", "x", Steward with { Role = Role.Analyst }));
        Assert.Equal("METADATA_LEGAL_BASIS", (await Assert.ThrowsAsync<DataHubException>(() => _catalog.Metadata.SetAsync("population",
            new Dictionary<string, string> { ["share-type"] = ShareTypes.NotShared, ["share-condition"] = "" }, Steward, default))).Code);
    }

    [Fact]
    public async Task Dcat_ListsOnlyWhatIsOpen()
    {
        async Task<JsonElement> Dcat()
        {
            using var s = new MemoryStream();
            await _catalog.Exports.WriteDcatAsync(s, new Uri("https://data.example/odata/"), default);
            return JsonDocument.Parse(s.ToArray()).RootElement.Clone();
        }
        Assert.Equal(0, (await Dcat()).GetProperty("dcat:dataset").GetArrayLength());

        await _catalog.OpenList.AddAsync(new GrantSpec("population", DivisionLevel.Community, [], null, false, ShareTypes.Conditional, "网格化管理", null, null, null), Steward, default);
        var ds = Assert.Single((await Dcat()).GetProperty("dcat:dataset").EnumerateArray());
        Assert.Equal("320113-GA-RK-0001", ds.GetProperty("dct:identifier").GetString());
        Assert.Equal("南京市公安局栖霞分局", ds.GetProperty("dct:publisher").GetProperty("foaf:name").GetString());
        Assert.Equal("https://data.example/odata/Population", ds.GetProperty("dcat:distribution")[0].GetProperty("dcat:accessURL").GetString());
    }

    [Fact]
    public async Task Xlsx_HasOneRowPerResource_AndOneRowPerField_ReadBack()
    {
        await _catalog.Metadata.SetAsync("population", new Dictionary<string, string> { ["theme"] = "人口" }, Steward, default);
        using var s = new MemoryStream();
        await _catalog.Exports.WriteXlsxAsync(s, default);
        s.Position = 0;
        Assert.Equal(["信息资源", "信息项"], MiniExcel.GetSheetNames(s).ToArray());
        s.Position = 0;
        var resources = MiniExcel.Query(s, useHeaderRow: true, sheetName: "信息资源").Cast<IDictionary<string, object>>().ToList();
        var row = Assert.Single(resources);
        Assert.Equal("实有人口", row["信息资源名称"]);
        Assert.Equal("320113-GA-RK-0001", row["信息资源代码"]);
        Assert.Equal("人口", row["主题"]);
        Assert.Equal(ShareTypes.Conditional, row["共享类型"]);
        s.Position = 0;
        var fields = MiniExcel.Query(s, useHeaderRow: true, sheetName: "信息项").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(SchemaLoader.Get("population").Fields.Count, fields.Count);
        Assert.Contains(fields, f => (string)f["信息项名称"] == "公民身份号码" && (string)f["字段名"] == "id_number");
    }
}

public sealed class SqliteMetadataCatalogTests() : MetadataCatalogTests(new SqliteCatalogFixture());

public sealed class PostgresMetadataCatalogTests() : MetadataCatalogTests(new PostgresCatalogFixture());
