using DataHub.Catalog.Changes;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.OpenList;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Catalog.Tests.OpenList;

public abstract class OpenListTests : IAsyncLifetime
{
    private readonly CatalogFixture _fx;
    private DataHubCatalog _catalog = null!;

    protected OpenListTests(CatalogFixture fx) => _fx = fx;

    private static readonly Principal Steward = new("steward", "数据管理员", Role.Steward, "320113");
    private static readonly Principal OtherSteward = new("steward-2", "鼓楼区数据管理员", Role.Steward, "320106");
    private static readonly Principal Analyst = new("analyst", "分析员", Role.Analyst, "320113");
    private static readonly Principal Street = new("maqun-street", "马群街道", Role.StreetWorker, "320113002");
    private static readonly Principal Maqun = new("maqun-community", "马群社区", Role.CommunityWorker, "320113002001");
    private static readonly Principal Qingma = new("qingma-community", "青马社区", Role.CommunityWorker, "320113002002");
    private static readonly Principal Elsewhere = new("yanziji", "燕子矶社区", Role.CommunityWorker, "320113001001");

    private OpenListService List => _catalog.OpenList;

    public async Task InitializeAsync()
    {
        _catalog = await _fx.OpenAsync();
        await _catalog.Datasets.RegisterAsync(SchemaLoader.Get("population"), SchemaLoader.RawText("population"),
            new DatasetMetadata("320113-GA", "南京市公安局栖霞分局", "320113-GA-RK-0001", ShareTypes.Conditional, "按社区授权", "每日"), default);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private async Task<GrantDecision?> Decide(Principal p) => await List.DecideAsync(p, "population", default);

    private static GrantSpec ToCommunities(string share = ShareTypes.Conditional) =>
        new("population", DivisionLevel.Community, [], null, false, share, "仅用于网格化管理", null, null, null);

    [Fact]
    public async Task Nothing_Granted_OnlyTheDistrictStewardSees()
    {
        Assert.Equal(GrantDecision.Full, await Decide(Steward));
        Assert.Null(await Decide(OtherSteward with { ScopeCode = "320113002" }));
        foreach (var p in new[] { Analyst, Street, Maqun }) Assert.Null(await Decide(p));
    }

    [Fact]
    public async Task LevelGrant_CoversEveryCommunityOfTheDistrict_AndNoOtherLevel()
    {
        var g = await List.AddAsync(ToCommunities(), Steward, default);
        Assert.Equal(GrantStatus.Active, g.Status);
        Assert.Equal("320113", g.District);
        Assert.Equal(GrantDecision.Full, await Decide(Maqun));
        Assert.Equal(GrantDecision.Full, await Decide(Elsewhere));
        Assert.Null(await Decide(Street));
        Assert.Null(await Decide(Analyst));
        Assert.Null(await Decide(Maqun with { ScopeCode = "320106001001" }));
    }

    [Fact]
    public async Task UnitGrant_CoversTheUnitAndWhatIsInsideIt()
    {
        await List.AddAsync(new GrantSpec("Population", null, ["320113002"], ["姓名", "gender"], false, ShareTypes.Unconditional, null, null, null, null), Steward, default);
        var d = (await Decide(Street))!;
        Assert.Equal(["gender", "name"], d.Fields!.Order());
        Assert.False(d.AggregateOnly);
        Assert.NotNull(await Decide(Maqun));
        Assert.Null(await Decide(Elsewhere));
    }

    [Fact]
    public async Task AggregateOnlyEntry_DoesNotWidenARowEntry()
    {
        await List.AddAsync(new GrantSpec("population", null, ["320113002001"], ["name"], false, ShareTypes.Unconditional, null, null, null, null), Steward, default);
        await List.AddAsync(new GrantSpec("population", null, ["320113002001"], null, true, ShareTypes.Unconditional, null, null, null, null), Steward, default);
        var d = (await Decide(Maqun))!;
        Assert.False(d.AggregateOnly);
        Assert.Equal(["name"], d.Fields!);

        await List.AddAsync(new GrantSpec("population", null, ["320113002002"], null, true, ShareTypes.Unconditional, null, null, null, null), Steward, default);
        Assert.True((await Decide(Qingma))!.AggregateOnly);
    }

    [Fact]
    public async Task Add_ChecksItsTerms_WithChineseErrors()
    {
        async Task<string> Code(GrantSpec spec, Principal? actor = null) =>
            (await Assert.ThrowsAsync<DataHubException>(() => List.AddAsync(spec, actor ?? Steward, default))).Code;

        Assert.Equal("GRANT_LEGAL_BASIS", await Code(ToCommunities(ShareTypes.NotShared)));
        Assert.Equal("GRANT_CONDITIONS", await Code(ToCommunities() with { Conditions = " " }));
        Assert.Equal("GRANT_DATASET_UNKNOWN", await Code(ToCommunities() with { Dataset = "nope" }));
        Assert.Equal("GRANT_FIELD_UNKNOWN", await Code(ToCommunities() with { Fields = ["不存在"] }));
        Assert.Equal("GRANT_UNIT_OUTSIDE", await Code(ToCommunities() with { AudienceLevel = null, Units = ["110105001"] }));
        Assert.Equal("GRANT_UNIT_UNKNOWN", await Code(ToCommunities() with { AudienceLevel = null, Units = ["320113999"] }));
        Assert.Equal("GRANT_AUDIENCE", await Code(ToCommunities() with { AudienceLevel = null }));
        Assert.Equal("GRANT_FORBIDDEN", await Code(ToCommunities(), Street));
        var e = await Assert.ThrowsAsync<DataHubException>(() => List.AddAsync(ToCommunities() with { ValidUntil = _fx.Time.GetUtcNow().AddDays(-1) }, Steward, default));
        Assert.Equal("GRANT_PERIOD", e.Code);
        Assert.Contains("结束日期", e.UserMessage);

        // 不予共享 with its legal basis is recorded, and opens nothing.
        await List.AddAsync(ToCommunities(ShareTypes.NotShared) with { LegalBasis = "《个人信息保护法》第十三条" }, Steward, default);
        Assert.Null(await Decide(Maqun));
    }

    [Fact]
    public async Task ConditionalWorkflow_RequestApproveExpire_WithHistory()
    {
        var request = await List.RequestAsync("population", Maqun, "核对独居老人名单", null, false, null, default);
        Assert.Equal(GrantStatus.Pending, request.Status);
        Assert.Equal(["320113002001"], request.Units);
        Assert.Null(await Decide(Maqun));

        var other = await Assert.ThrowsAsync<DataHubException>(() => List.ApproveAsync(request.Id, OtherSteward, "x", null, default));
        Assert.Equal("GRANT_NOT_FOUND", other.Code);
        var until = _fx.Time.GetUtcNow().AddDays(30);
        _fx.Time.Advance(TimeSpan.FromHours(1));
        var approved = await List.ApproveAsync(request.Id, Steward, "仅用于本社区走访", until, default);
        Assert.Equal(GrantStatus.Active, approved.Status);
        Assert.Equal(GrantDecision.Full, await Decide(Maqun));
        Assert.Null(await Decide(Qingma));

        _fx.Time.Advance(TimeSpan.FromDays(30));
        Assert.Null(await Decide(Maqun));
        Assert.Equal("已过期", (await List.GetAsync(request.Id, default))!.StatusTitle(_fx.Time.GetUtcNow()));

        var history = await List.HistoryAsync(request.Id, default);
        Assert.Equal([("request", "maqun-community", GrantStatus.Pending), ("approve", "steward", GrantStatus.Active)],
            history.Select(h => (h.Action, h.Actor, h.Status)).ToArray());
        Assert.True(history[1].At > history[0].At);
        Assert.Equal(2, (await _catalog.Changes.SearchAsync("grant", request.Id, null, null, 10, default)).Count);
    }

    [Fact]
    public async Task Reject_NeedsAReason_RevokeBitesAtOnce_AndBumpsTheSignal()
    {
        var request = await List.RequestAsync("population", Street, "街道人口普查复核", ["name"], false, null, default);
        Assert.Equal("GRANT_REASON", (await Assert.ThrowsAsync<DataHubException>(() => List.RejectAsync(request.Id, Steward, "", default))).Code);
        var rejected = await List.RejectAsync(request.Id, Steward, "请改为申请汇总数据", default);
        Assert.Equal(GrantStatus.Rejected, rejected.Status);
        Assert.Equal("请改为申请汇总数据", rejected.DecisionReason);
        Assert.Equal("GRANT_NOT_PENDING", (await Assert.ThrowsAsync<DataHubException>(() => List.ApproveAsync(request.Id, Steward, "x", null, default))).Code);

        var g = await List.AddAsync(ToCommunities(), Steward, default);
        var before = _catalog.Signal.Version(ChangeKind.Grants);
        await List.RevokeAsync(g.Id, Steward, "网格调整", default);
        Assert.True(_catalog.Signal.Version(ChangeKind.Grants) > before);
        Assert.Null(await Decide(Maqun));
        Assert.Equal("GRANT_CLOSED", (await Assert.ThrowsAsync<DataHubException>(() => List.RevokeAsync(g.Id, Steward, "again", default))).Code);
    }

    [Fact]
    public async Task Request_BySteward_OrWithoutPurpose_IsRefused()
    {
        Assert.Equal("GRANT_REQUEST_ROLE", (await Assert.ThrowsAsync<DataHubException>(() => List.RequestAsync("population", Steward, "x", null, false, null, default))).Code);
        Assert.Equal("GRANT_PURPOSE", (await Assert.ThrowsAsync<DataHubException>(() => List.RequestAsync("population", Maqun, " ", null, false, null, default))).Code);
    }
}

public sealed class SqliteOpenListTests() : OpenListTests(new SqliteCatalogFixture());

public sealed class PostgresOpenListTests() : OpenListTests(new PostgresCatalogFixture());
