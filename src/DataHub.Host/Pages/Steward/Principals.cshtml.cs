using DataHub.Catalog.Principals;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Core.Standards;
using DataHub.Host.Composition;
using Microsoft.AspNetCore.Mvc;

namespace DataHub.Host.Pages.Steward;

/// <summary>
/// Principals and keys (stewards only): create, disable/enable, reset a password, issue, rotate and
/// revoke API keys. A new password or key is shown exactly once. Every value that names a person
/// travels in POST bodies, never in the URL; every change is recorded in the catalog's change log
/// with the steward as actor, and bites at once (the authenticator reads the principal per request).
/// </summary>
public sealed class PrincipalsModel : UiPage
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? RoleName { get; set; }
    [BindProperty] public string? Scope { get; set; }
    [BindProperty] public string? Target { get; set; }
    [BindProperty] public string? KeyId { get; set; }
    [BindProperty] public string? Label { get; set; }

    public IReadOnlyList<PrincipalInfo> Principals { get; private set; } = [];

    public ILookup<string, ApiKeyInfo> Keys { get; private set; } = Array.Empty<ApiKeyInfo>().ToLookup(k => k.Principal);

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    /// <summary>A secret to show exactly once (a new password or key), with whom it belongs to.</summary>
    public (string For, string What, string Secret)? Revealed { get; private set; }

    public static IReadOnlyList<Role> Roles { get; } = [Role.CommunityWorker, Role.StreetWorker, Role.Analyst, Role.Operator, Role.Steward];

    private PrincipalStore Store => Service<DataHubEngine>().Catalog.Principals;

    public string ScopeName(string code) => Service<DataHubEngine>().Catalog.Divisions.Find(code)?.Name ?? "（未知区划）";

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var name = Name?.Trim() ?? "";
        if (RoleName is null || !Roles.Any(r => PrincipalStore.RoleName(r) == RoleName))
            throw Invalid("请选择角色。", "在“角色”下拉框中选择一项。");
        var scope = Scope?.Trim() ?? "";
        if (!DivisionCode.IsWithin(scope, Me.ScopeCode))
            throw Invalid($"所属单位“{scope}”不在您管理的范围（{Me.ScopeCode}）之内。", "填写本区的区划代码，如 320113002001。");
        var password = SecretHasher.NewPassword();
        var p = await Store.AddAsync(new Principal(name, DisplayName?.Trim() ?? "", PrincipalStore.ParseRole(RoleName), scope), password, Me.Name, cancellationToken);
        Revealed = (p.Name, "初始密码", password);
        Name = DisplayName = Scope = null;
    }, cancellationToken);

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var target = await TargetAsync(cancellationToken);
        if (target.Name == Me.Name) throw Invalid("不能停用自己的账号。", "请另一位数据管理员操作。");
        await Store.SetDisabledAsync(target.Name, true, Me.Name, cancellationToken);
        Done = $"已停用 {target.Name}：其密码和所有 API 密钥立即失效。";
    }, cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var target = await TargetAsync(cancellationToken);
        await Store.SetDisabledAsync(target.Name, false, Me.Name, cancellationToken);
        Done = $"已启用 {target.Name}。";
    }, cancellationToken);

    public Task<IActionResult> OnPostResetAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var target = await TargetAsync(cancellationToken);
        var password = SecretHasher.NewPassword();
        await Store.ResetPasswordAsync(target.Name, password, Me.Name, cancellationToken);
        Revealed = (target.Name, "新密码", password);
    }, cancellationToken);

    public Task<IActionResult> OnPostIssueKeyAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var target = await TargetAsync(cancellationToken);
        var issued = await Store.IssueKeyAsync(target.Name, Label, Me.Name, cancellationToken);
        Revealed = (target.Name, $"API 密钥（{issued.Key.Label}）", issued.Secret);
    }, cancellationToken);

    public Task<IActionResult> OnPostRotateKeyAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var key = await KeyAsync(cancellationToken);
        var issued = await Store.RotateKeyAsync(key.Id, Me.Name, cancellationToken);
        Revealed = (key.Principal, $"新的 API 密钥（{issued.Key.Label}，旧密钥 {key.Hint} 已吊销）", issued.Secret);
    }, cancellationToken);

    public Task<IActionResult> OnPostRevokeKeyAsync(CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var key = await KeyAsync(cancellationToken);
        await Store.RevokeKeyAsync(key.Id, Me.Name, cancellationToken);
        Done = $"已吊销 {key.Principal} 的密钥 {key.Hint}（{key.Label}），使用它的请求立即被拒绝。";
    }, cancellationToken);

    /// <summary>Runs one change; a refused change shows its zh-CN message (what and how to fix) on the page with 400.</summary>
    private async Task<IActionResult> RunAsync(Func<Task> change, CancellationToken cancellationToken)
    {
        try
        {
            await change();
        }
        catch (DataHubException e)
        {
            Error = e.Fix is null ? e.UserMessage : $"{e.UserMessage} {e.Fix}";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>The principal named in the form, if it is within the steward's district (else: not found, as if it did not exist).</summary>
    private async Task<Principal> TargetAsync(CancellationToken cancellationToken)
    {
        var found = Target is { Length: > 0 } ? await Store.FindByNameAsync(Target, cancellationToken) : null;
        if (found is null || !DivisionCode.IsWithin(found.Principal.ScopeCode, Me.ScopeCode))
            throw Invalid($"找不到用户“{Target}”。", "刷新页面后重试。");
        return found.Principal;
    }

    private async Task<ApiKeyInfo> KeyAsync(CancellationToken cancellationToken)
    {
        var key = KeyId is { Length: > 0 } ? await Store.FindKeyAsync(KeyId, cancellationToken) : null;
        var owner = key is null ? null : await Store.FindByNameAsync(key.Principal, cancellationToken);
        if (key is null || owner is null || !DivisionCode.IsWithin(owner.Principal.ScopeCode, Me.ScopeCode))
            throw Invalid("找不到该 API 密钥。", "刷新页面后重试。");
        return key;
    }

    private static DataHubException Invalid(string message, string fix) => new(FailureKind.Config, "UI_INVALID", message, fix: fix);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Principals = (await Store.ListDetailedAsync(cancellationToken)).Where(p => DivisionCode.IsWithin(p.Principal.ScopeCode, Me.ScopeCode)).ToList();
        Keys = (await Store.ListKeysAsync(null, cancellationToken)).Where(k => k.Active).ToLookup(k => k.Principal);
    }
}
