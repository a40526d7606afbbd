using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Core.Standards;
using DataHub.Serving.Access;
using DataHub.Serving.Tests.Kit;
using Xunit;

namespace DataHub.Serving.Tests.Access;

public sealed class AccessPolicyTests
{
    private static readonly AccessPolicy Shipped = AccessPolicy.LoadEmbedded();
    private static readonly DatasetSchema Population = TestSchemas.Population;

    private static FieldAccess Resolve(Role role, string field) => Shipped.Resolve(role, Population, Population.Field(field));

    [Fact]
    public void LoadEmbedded_ShippedPolicy_DeclaresEveryRole()
    {
        Assert.Equal(Enum.GetValues<Role>().Length, Shipped.Roles.Count);
        Assert.Equal(DivisionLevel.Community, Shipped.For(Role.CommunityWorker).WidestScope);
        Assert.Equal(DivisionLevel.Street, Shipped.For(Role.StreetWorker).WidestScope);
        Assert.All(Shipped.Overrides, o => Assert.False(string.IsNullOrWhiteSpace(o.Reason)));
    }

    [Fact]
    public void Resolve_Steward_ShowsEverything()
    {
        Assert.All(Population.Fields, f => Assert.Equal(FieldAccess.Shown, Resolve(Role.Steward, f.Name)));
    }

    [Fact]
    public void Resolve_AnalystSensitivePersonal_Hidden()
    {
        Assert.Equal(AccessAction.Hide, Resolve(Role.Analyst, "id_number").Action);
        Assert.Equal(AccessAction.Hide, Resolve(Role.Analyst, "ethnicity").Action);
    }

    [Fact]
    public void Resolve_AnalystPersonalWithPreset_MaskedWithFieldDefault()
    {
        Assert.Equal(FieldAccess.Masked(MaskKind.Name), Resolve(Role.Analyst, "name"));
        Assert.Equal(FieldAccess.Masked(MaskKind.Year), Resolve(Role.Analyst, "birth_date"));
        Assert.Equal(FieldAccess.Masked(MaskKind.Phone), Resolve(Role.Analyst, "phone"));
    }

    [Fact]
    public void Resolve_AnalystPersonalWithoutPreset_HiddenAsSafeDefault()
    {
        Assert.Equal(FieldAccess.Hidden, Resolve(Role.Analyst, "move_in_date"));
    }

    [Fact]
    public void Resolve_OverrideInShippedPolicy_WinsOverClassRule()
    {
        Assert.Equal(FieldAccess.Shown, Resolve(Role.Analyst, "gender"));
    }

    [Fact]
    public void Resolve_CommunityWorkerSensitivePersonal_MaskedOrSuppressed()
    {
        Assert.Equal(FieldAccess.Masked(MaskKind.IdNumber), Resolve(Role.CommunityWorker, "id_number"));
        Assert.Equal(FieldAccess.Masked(MaskKind.Suppress), Resolve(Role.CommunityWorker, "ethnicity"));
        Assert.Equal(FieldAccess.Shown, Resolve(Role.CommunityWorker, "name"));
    }

    [Fact]
    public void Parse_MissingRole_ThrowsConfigError()
    {
        var json = Policy(roles: RoleJson("steward") + "," + RoleJson("analyst") + "," + RoleJson("street_worker", "street"));
        var error = Assert.Throws<DataHubException>(() => AccessPolicy.Parse(json, "test", TestSchemas.All));
        Assert.Equal(FailureKind.Config, error.Kind);
        Assert.Contains("community_worker", error.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownAction_ThrowsNamingThePath()
    {
        var json = Policy(roles: AllRoles().Replace("\"public\": \"show\"", "\"public\": \"reveal\"", StringComparison.Ordinal));
        var error = Assert.Throws<DataHubException>(() => AccessPolicy.Parse(json, "test", TestSchemas.All));
        Assert.Contains("$.roles.steward.sensitivity.public", error.Where, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverrideOfUnknownField_Throws()
    {
        var json = Policy(overrides: Override("population", "analyst", "shoe_size", "show"));
        Assert.Throws<DataHubException>(() => AccessPolicy.Parse(json, "test", TestSchemas.All));
    }

    [Fact]
    public void Parse_OverrideWithoutReason_Throws()
    {
        var json = Policy(overrides: Override("population", "analyst", "gender", "show", reason: " "));
        Assert.Throws<DataHubException>(() => AccessPolicy.Parse(json, "test", TestSchemas.All));
    }

    [Fact]
    public void Parse_OverrideMaskNotFittingType_Throws()
    {
        var json = Policy(overrides: Override("population", "analyst", "name", "mask", mask: "year"));
        Assert.Throws<DataHubException>(() => AccessPolicy.Parse(json, "test", TestSchemas.All));
    }

    [Fact]
    public void Parse_OverrideMaskOnFieldWithoutPreset_Throws()
    {
        var json = Policy(overrides: Override("population", "analyst", "move_in_date", "mask"));
        Assert.Throws<DataHubException>(() => AccessPolicy.Parse(json, "test", TestSchemas.All));
    }

    [Fact]
    public void Parse_KeyHiddenFromARole_Throws()
    {
        var json = Policy(overrides: Override("population", "community_worker", "record_id", "hide"));
        var error = Assert.Throws<DataHubException>(() => AccessPolicy.Parse(json, "test", TestSchemas.All));
        Assert.Contains("record_id", error.UserMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverrideWithOtherMask_AppliesThatMask()
    {
        var json = Policy(overrides: Override("housing_test", "community_worker", "owner_phone", "mask", mask: "phone"));
        var policy = AccessPolicy.Parse(json, "test", TestSchemas.All);
        var housing = TestSchemas.Housing;
        Assert.Equal(FieldAccess.Masked(MaskKind.Phone), policy.Resolve(Role.CommunityWorker, housing, housing.Field("owner_phone")));
    }

    private static string RoleJson(string name, string scope = "district", string personal = "show") =>
        $$"""
        "{{name}}": { "widestScope": "{{scope}}", "sensitivity": { "public": "show", "internal": "show", "personal": "{{personal}}", "sensitive_personal": "mask" } }
        """;

    private static string AllRoles() =>
        string.Join(",", RoleJson("steward"), RoleJson("analyst", personal: "mask"), RoleJson("street_worker", "street"), RoleJson("community_worker", "community"), RoleJson("operator", personal: "hide"));

    private static string Override(string dataset, string role, string field, string action, string reason = "测试", string? mask = null) =>
        $$"""{ "dataset": "{{dataset}}", "role": "{{role}}", "field": "{{field}}", "action": "{{action}}", "reason": "{{reason}}"{{(mask is null ? "" : $", \"mask\": \"{mask}\"")}} }""";

    private static string Policy(string? roles = null, string overrides = "") =>
        $$"""{ "roles": { {{roles ?? AllRoles()}} }, "overrides": [ {{overrides}} ] }""";
}
