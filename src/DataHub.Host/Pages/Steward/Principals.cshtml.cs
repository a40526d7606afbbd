using DataHub.Catalog.Principals;
using DataHub.Core.Access;
using DataHub.Core.Standards;
using DataHub.Host.Composition;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages.Steward;

/// <summary>
/// Principals and keys (stewards only): list, create with a generated password shown once. Every
/// value that names a person travels in POST bodies, never in the URL.
/// </summary>
public sealed class PrincipalsModel : UiPage
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? RoleName { get; set; }
    [BindProperty] public string? Scope { get; set; }

    public IReadOnlyList<Principal> Principals { get; private set; } = [];

    public string? Error { get; private set; }

    /// <summary>A secret to show exactly once (a new password or key), with whom it belongs to.</summary>
    public (string For, string What, string Secret)? Revealed { get; private set; }

    public static IReadOnlyList<Role> Roles { get; } = [Role.CommunityWorker, Role.StreetWorker, Role.Analyst, Role.Operator, Role.Steward];

    public string ScopeName(string code) => Service<DataHubEngine>().Catalog.Divisions.Find(code)?.Name ?? "（未知区划）";

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var engine = Service<DataHubEngine>();
        Error = Validate(engine);
        if (Error is null && await engine.Catalog.Principals.FindByNameAsync(Name!.Trim(), cancellationToken) is not null)
            Error = $"用户名“{Name!.Trim()}”已存在。请换一个用户名。";
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(cancellationToken);
            return Page();
        }
        var principal = new Principal(Name!.Trim(), DisplayName!.Trim(), PrincipalStore.ParseRole(RoleName!), Scope!.Trim());
        var password = SecretHasher.NewPassword();
        await engine.Catalog.Principals.UpsertAsync(principal, password, null, cancellationToken);
        Revealed = (principal.Name, "初始密码", password);
        Name = DisplayName = Scope = null;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private string? Validate(DataHubEngine engine)
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > 64 || Name.Trim().Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')))
            return "用户名必填，只能用英文字母、数字和 - _ .（不超过 64 个字符），例如 maqun-wang。";
        if (string.IsNullOrWhiteSpace(DisplayName))
            return "显示名称必填，例如“马群社区网格员王某”。";
        if (RoleName is null || !Roles.Any(r => PrincipalStore.RoleName(r) == RoleName))
            return "请选择角色。";
        var scope = Scope?.Trim() ?? "";
        if (DivisionCode.LevelOf(scope) is null || engine.Catalog.Divisions.Find(scope) is null)
            return $"范围“{scope}”不是区划代码表中的区（6 位）、街道（9 位）或社区（12 位）代码。请填写如 320113002001 的代码。";
        if (!DivisionCode.IsWithin(scope, Me.ScopeCode))
            return $"范围“{scope}”不在您管理的范围（{Me.ScopeCode}）之内。";
        var role = PrincipalStore.ParseRole(RoleName);
        var expected = role switch
        {
            Role.CommunityWorker => 12,
            Role.StreetWorker => 9,
            _ => 0,
        };
        if (expected != 0 && scope.Length != expected)
            return role == Role.CommunityWorker ? "社区工作人员的范围必须是 12 位社区代码。" : "街道工作人员的范围必须是 9 位街道代码。";
        return null;
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Principals = await Service<DataHubEngine>().Catalog.Principals.ListAsync(cancellationToken);
}
