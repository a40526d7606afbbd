using DataHub.Catalog.Principals;
using DataHub.Core.Access;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub users add|list|disable|enable|reset</c>: principals bound to a unit of the division
/// reference, so a fresh data folder can be brought into service without the demo. Passwords the
/// system generates are printed once and never stored in clear.
/// </summary>
internal static class UsersCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var sub = CliSupport.SubVerb(args, "users", "add、list、disable、enable、reset");
        var target = EngineTarget.From(args);
        switch (sub)
        {
            case "add":
            {
                var name = CliSupport.Positional(args, 1, "用户名，如 datahub users add maqun-community --role community_worker --unit 320113002001 --display 马群社区网格员");
                var role = CliSupport.ParseRole(CliSupport.Required(args, "role", "角色：steward、analyst、street_worker、community_worker、operator"));
                var unit = CliSupport.Required(args, "unit", "所属单位的统计用区划代码（区县 6 位、街道 9 位、社区 12 位）");
                var display = args.Option("display") ?? name;
                var password = args.Option("password");
                var engine = await target.OpenAsync(cancellationToken);
                var generated = password is null;
                password ??= SecretHasher.NewPassword();
                var p = await engine.Catalog.Principals.AddAsync(new Principal(name, display, role, unit), password, CliSupport.LocalActor, cancellationToken);
                var unitName = engine.Catalog.Divisions.Find(unit)?.Name ?? unit;
                await stdout.WriteLineAsync($"已创建账号 {p.Name}（{p.DisplayName}）：{PrincipalStore.RoleTitle(p.Role)}，所属单位 {unit} {unitName}。");
                if (generated) await stdout.WriteLineAsync($"初始密码（只显示这一次，请妥善转交）：{password}");
                return CommandLine.Ok;
            }
            case "list":
            {
                var engine = await target.OpenAsync(cancellationToken);
                var all = await engine.Catalog.Principals.ListDetailedAsync(cancellationToken);
                if (all.Count == 0)
                {
                    await stdout.WriteLineAsync("还没有账号。用 datahub users add NAME --role steward --unit 区县代码 创建第一个数据管理员。");
                    return CommandLine.Ok;
                }
                await stdout.WriteLineAsync("用户名                 角色           单位                         状态   有效密钥  显示名称");
                foreach (var i in all)
                {
                    var unitName = engine.Catalog.Divisions.Find(i.Principal.ScopeCode)?.Name ?? "";
                    await stdout.WriteLineAsync($"{i.Principal.Name,-22} {PrincipalStore.RoleTitle(i.Principal.Role),-10} {i.Principal.ScopeCode,-12} {unitName,-12} {(i.Disabled ? "停用" : "启用"),-4} {i.ActiveKeys,8}  {i.Principal.DisplayName}");
                }
                return CommandLine.Ok;
            }
            case "disable" or "enable":
            {
                var name = CliSupport.Positional(args, 1, "用户名");
                var engine = await target.OpenAsync(cancellationToken);
                await engine.Catalog.Principals.SetDisabledAsync(name, sub == "disable", CliSupport.LocalActor, cancellationToken);
                await stdout.WriteLineAsync(sub == "disable"
                    ? $"已停用账号 {name}：其密码和全部 API 密钥立即失效（运行中的服务在 2 秒内生效）。"
                    : $"已恢复账号 {name}。");
                return CommandLine.Ok;
            }
            case "reset":
            {
                var name = CliSupport.Positional(args, 1, "用户名");
                var password = args.Option("password");
                var engine = await target.OpenAsync(cancellationToken);
                var generated = password is null;
                password ??= SecretHasher.NewPassword();
                await engine.Catalog.Principals.ResetPasswordAsync(name, password, CliSupport.LocalActor, cancellationToken);
                await stdout.WriteLineAsync($"已重置账号 {name} 的密码，旧密码立即失效。");
                if (generated) await stdout.WriteLineAsync($"新密码（只显示这一次）：{password}");
                return CommandLine.Ok;
            }
            default:
                throw ParsedArgs.Usage($"不认识的子命令“users {sub}”，应为 add、list、disable、enable、reset");
        }
    }
}
