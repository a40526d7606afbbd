using DataHub.Catalog.OpenList;
using DataHub.Host.Composition;

namespace DataHub.Host.Cli;

/// <summary>
/// <c>datahub grants list|add|request|approve|reject|revoke|history</c>: the open list (开放清单).
/// Changes act as a named principal (<c>--as</c>), whose role the catalog checks and whose name
/// it records in each entry's history.
/// </summary>
internal static class GrantsCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var sub = CliSupport.SubVerb(args, "grants", "list、add、request、approve、reject、revoke、history");
        var target = EngineTarget.From(args);
        switch (sub)
        {
            case "list":
            {
                var dataset = args.Option("dataset");
                var status = args.Option("status");
                var engine = await target.OpenAsync(cancellationToken);
                var now = engine.Time.GetUtcNow();
                var all = (await engine.Catalog.OpenList.ListAsync(cancellationToken))
                    .Where(g => dataset is null || g.Dataset == dataset)
                    .Where(g => status is null || g.Status.ToString().Equals(status, StringComparison.OrdinalIgnoreCase) || g.StatusTitle(now) == status)
                    .ToList();
                if (all.Count == 0)
                {
                    await stdout.WriteLineAsync("开放清单为空。用 datahub grants add 数据集 --as 管理员 --level community --share 有条件共享 --conditions … 添加。");
                    return CommandLine.Ok;
                }
                foreach (var g in all) await stdout.WriteLineAsync(Describe(g, now));
                return CommandLine.Ok;
            }
            case "add":
            {
                var dataset = CliSupport.Positional(args, 1, "数据集，如 datahub grants add population --as steward --level community …");
                var level = args.Option("level") is { } l ? OpenListService.ParseLevel(l) : (Core.Standards.DivisionLevel?)null;
                var spec = new GrantSpec(dataset, level, CliSupport.List(args, "units") ?? [], CliSupport.List(args, "fields"), args.Flag("aggregate-only"),
                    CliSupport.ParseShareType(CliSupport.Required(args, "share", "共享类型：无条件共享、有条件共享、不予共享")),
                    args.Option("conditions"), args.Option("legal-basis"), CliSupport.StartOfDay(args, "from"), CliSupport.EndOfDay(args, "until"));
                var (engine, actor) = await OpenAsActorAsync(target, args, cancellationToken);
                var g = await engine.Catalog.OpenList.AddAsync(spec, actor, cancellationToken);
                await stdout.WriteLineAsync("已加入开放清单：");
                await stdout.WriteLineAsync(Describe(g, engine.Time.GetUtcNow()));
                return CommandLine.Ok;
            }
            case "request":
            {
                var dataset = CliSupport.Positional(args, 1, "数据集，如 datahub grants request population --as maqun-community --purpose …");
                var purpose = CliSupport.Required(args, "purpose", "用途");
                var fields = CliSupport.List(args, "fields");
                var aggregateOnly = args.Flag("aggregate-only");
                var until = CliSupport.EndOfDay(args, "until");
                var (engine, actor) = await OpenAsActorAsync(target, args, cancellationToken);
                var g = await engine.Catalog.OpenList.RequestAsync(dataset, actor, purpose, fields, aggregateOnly, until, cancellationToken);
                await stdout.WriteLineAsync($"已提交申请 {g.Id}，等待本区数据管理员审批：");
                await stdout.WriteLineAsync(Describe(g, engine.Time.GetUtcNow()));
                return CommandLine.Ok;
            }
            case "approve":
            {
                var id = CliSupport.Positional(args, 1, "条目编号");
                var conditions = CliSupport.Required(args, "conditions", "共享条件");
                var until = CliSupport.EndOfDay(args, "until");
                var (engine, actor) = await OpenAsActorAsync(target, args, cancellationToken);
                var g = await engine.Catalog.OpenList.ApproveAsync(id, actor, conditions, until, cancellationToken);
                await stdout.WriteLineAsync($"已批准 {g.Id}：");
                await stdout.WriteLineAsync(Describe(g, engine.Time.GetUtcNow()));
                return CommandLine.Ok;
            }
            case "reject" or "revoke":
            {
                var id = CliSupport.Positional(args, 1, "条目编号");
                var reason = CliSupport.Required(args, "reason", "理由");
                var (engine, actor) = await OpenAsActorAsync(target, args, cancellationToken);
                var g = sub == "reject"
                    ? await engine.Catalog.OpenList.RejectAsync(id, actor, reason, cancellationToken)
                    : await engine.Catalog.OpenList.RevokeAsync(id, actor, reason, cancellationToken);
                await stdout.WriteLineAsync(sub == "reject" ? $"已驳回 {g.Id}。" : $"已撤销 {g.Id}，立即生效（运行中的服务在 2 秒内生效）。");
                return CommandLine.Ok;
            }
            case "history":
            {
                var id = CliSupport.Positional(args, 1, "条目编号");
                var engine = await target.OpenAsync(cancellationToken);
                var events = await engine.Catalog.OpenList.HistoryAsync(id, cancellationToken);
                if (events.Count == 0) throw ParsedArgs.Usage($"没有编号为“{id}”的开放条目");
                foreach (var e in events) await stdout.WriteLineAsync($"{CliSupport.Local(e.At)}  {e.Actor,-20} {Action(e.Action),-4} → {e.Status}  {e.Note}");
                return CommandLine.Ok;
            }
            default:
                throw ParsedArgs.Usage($"不认识的子命令“grants {sub}”，应为 list、add、request、approve、reject、revoke、history");
        }
    }

    private static async Task<(DataHubEngine Engine, Core.Access.Principal Actor)> OpenAsActorAsync(EngineTarget target, ParsedArgs args, CancellationToken cancellationToken)
    {
        var engine = await target.OpenAsync(cancellationToken);
        var actor = await CliSupport.ActingAsync(engine, args, cancellationToken);
        return (engine, actor);
    }

    private static string Action(string action) => action switch
    {
        "add" => "添加",
        "request" => "申请",
        "approve" => "批准",
        "reject" => "驳回",
        "revoke" => "撤销",
        _ => action,
    };

    public static string Describe(Grant g, DateTimeOffset now)
    {
        var lines = new List<string>
        {
            $"{g.Id}  {g.Dataset} → {g.AudienceTitle}  [{g.StatusTitle(now)}]  {g.ShareType}" + (g.AggregateOnly ? "  仅聚合" : ""),
        };
        if (g.Fields is not null) lines.Add($"    字段：{string.Join("、", g.Fields)}");
        if (g.Conditions is not null) lines.Add($"    条件：{g.Conditions}");
        if (g.LegalBasis is not null) lines.Add($"    依据：{g.LegalBasis}");
        if (g.Purpose is not null) lines.Add($"    用途：{g.Purpose}");
        lines.Add($"    有效期：{CliSupport.LocalDate(g.ValidFrom)} 至 {(g.ValidUntil is { } u ? CliSupport.Local(u) : "长期")}；申请/添加：{g.RequestedBy} {CliSupport.Local(g.RequestedAt)}"
            + (g.DecidedBy is null ? "" : $"；处理：{g.DecidedBy} {CliSupport.Local(g.DecidedAt)}") + (g.DecisionReason is null ? "" : $"（{g.DecisionReason}）"));
        return string.Join(Environment.NewLine, lines);
    }
}
