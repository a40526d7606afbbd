namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub keys issue|rotate|revoke|list</c>: API keys (several per principal, for Excel's
/// "Web API" option and scripts). The secret is printed once; the catalog keeps only its hash.
/// </summary>
internal static class KeysCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var sub = CliSupport.SubVerb(args, "keys", "issue、rotate、revoke、list");
        var target = EngineTarget.From(args);
        switch (sub)
        {
            case "issue":
            {
                var name = CliSupport.Positional(args, 1, "用户名，如 datahub keys issue maqun-community --label 社区电脑");
                var label = args.Option("label");
                var engine = await target.OpenAsync(cancellationToken);
                var issued = await engine.Catalog.Principals.IssueKeyAsync(name, label, CliSupport.LocalActor, cancellationToken);
                await stdout.WriteLineAsync($"已为 {name} 签发 API 密钥 {issued.Key.Id}（{issued.Key.Label}）。");
                await stdout.WriteLineAsync($"密钥（只显示这一次，系统不保存明文）：{issued.Secret}");
                return CommandLine.Ok;
            }
            case "rotate":
            {
                var id = CliSupport.Positional(args, 1, "密钥编号（见 datahub keys list）");
                var engine = await target.OpenAsync(cancellationToken);
                var issued = await engine.Catalog.Principals.RotateKeyAsync(id, CliSupport.LocalActor, cancellationToken);
                await stdout.WriteLineAsync($"已吊销密钥 {id}，并为 {issued.Key.Principal} 签发新密钥 {issued.Key.Id}。");
                await stdout.WriteLineAsync($"新密钥（只显示这一次）：{issued.Secret}");
                return CommandLine.Ok;
            }
            case "revoke":
            {
                var id = CliSupport.Positional(args, 1, "密钥编号（见 datahub keys list）");
                var engine = await target.OpenAsync(cancellationToken);
                await engine.Catalog.Principals.RevokeKeyAsync(id, CliSupport.LocalActor, cancellationToken);
                await stdout.WriteLineAsync($"已吊销密钥 {id}，使用它的请求立即被拒绝（运行中的服务在 2 秒内生效）。");
                return CommandLine.Ok;
            }
            case "list":
            {
                var name = args.Positional.Count > 1 ? args.Positional[1] : null;
                var engine = await target.OpenAsync(cancellationToken);
                var keys = await engine.Catalog.Principals.ListKeysAsync(name, cancellationToken);
                if (keys.Count == 0)
                {
                    await stdout.WriteLineAsync("没有 API 密钥。用 datahub keys issue 用户名 签发。");
                    return CommandLine.Ok;
                }
                await stdout.WriteLineAsync("编号          用户名                 开头       状态    签发时间          名称");
                foreach (var k in keys)
                {
                    await stdout.WriteLineAsync($"{k.Id,-13} {k.Principal,-22} {k.Hint,-10} {(k.Active ? "有效" : "已吊销"),-5} {CliSupport.Local(k.CreatedAt)}  {k.Label}");
                }
                return CommandLine.Ok;
            }
            default:
                throw ParsedArgs.Usage($"不认识的子命令“keys {sub}”，应为 issue、rotate、revoke、list");
        }
    }
}
