using System.Globalization;
using DataHub.Catalog.Datasets;
using DataHub.Core.Access;
using DataHub.Core.Failures;
using DataHub.Host.Composition;

namespace DataHub.Host.Cli;

/// <summary>What the administrative verbs (users, keys, grants, catalog) share.</summary>
internal static class CliSupport
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>Who a CLI change is recorded as when no principal is named: the operating-system account.</summary>
    public static string LocalActor => "cli:" + Environment.UserName;

    public static string SubVerb(ParsedArgs args, string verb, string choices)
    {
        if (args.Positional.Count == 0) throw ParsedArgs.Usage($"datahub {verb} 后面缺少子命令（{choices}）");
        return args.Positional[0];
    }

    public static string Positional(ParsedArgs args, int index, string what)
    {
        if (args.Positional.Count <= index) throw ParsedArgs.Usage($"缺少{what}");
        return args.Positional[index];
    }

    public static string Required(ParsedArgs args, string option, string what) =>
        args.Option(option) is { Length: > 0 } v ? v : throw ParsedArgs.Usage($"缺少 --{option}（{what}）");

    /// <summary>The principal named by <c>--as</c>: the catalog records it as the actor and checks its role.</summary>
    public static async Task<Principal> ActingAsync(DataHubEngine engine, ParsedArgs args, CancellationToken cancellationToken)
    {
        var name = Required(args, "as", "以哪个账号的身份操作，如 --as steward");
        var stored = await engine.Catalog.Principals.FindByNameAsync(name, cancellationToken)
            ?? throw new DataHubException(FailureKind.Config, "PRINCIPAL_NOT_FOUND", $"没有用户名为“{name}”的账号。", fix: "用 datahub users list 查看已有账号。");
        if (stored.Disabled) throw new DataHubException(FailureKind.Config, "PRINCIPAL_DISABLED", $"账号 {name} 已停用，不能操作。", fix: "用 datahub users enable 恢复，或换一个账号。");
        return stored.Principal;
    }

    public static Role ParseRole(string text) => text.ToLowerInvariant() switch
    {
        "steward" or "数据管理员" => Role.Steward,
        "analyst" or "数据分析员" => Role.Analyst,
        "street" or "street_worker" or "街道工作人员" => Role.StreetWorker,
        "community" or "community_worker" or "社区工作人员" => Role.CommunityWorker,
        "operator" or "运维人员" => Role.Operator,
        _ => throw ParsedArgs.Usage($"不认识的角色“{text}”，应为 steward、analyst、street_worker、community_worker 或 operator"),
    };

    public static string ParseShareType(string text) => text.ToLowerInvariant() switch
    {
        "无条件" or "无条件共享" or "unconditional" => ShareTypes.Unconditional,
        "有条件" or "有条件共享" or "conditional" => ShareTypes.Conditional,
        "不予共享" or "none" or "not-shared" => ShareTypes.NotShared,
        _ => throw ParsedArgs.Usage($"不认识的共享类型“{text}”，应为 无条件共享、有条件共享 或 不予共享"),
    };

    /// <summary>A date (yyyy-MM-dd, Beijing time) as the start of that day.</summary>
    public static DateTimeOffset? StartOfDay(ParsedArgs args, string option) => Date(args, option, 0);

    /// <summary>A date (yyyy-MM-dd, Beijing time) as the end of that day: valid through the day named.</summary>
    public static DateTimeOffset? EndOfDay(ParsedArgs args, string option) => Date(args, option, 1);

    private static DateTimeOffset? Date(ParsedArgs args, string option, int addDays)
    {
        var text = args.Option(option);
        if (text is null) return null;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw ParsedArgs.Usage($"--{option} 的日期“{text}”格式不对，应为 yyyy-MM-dd，如 2027-12-31");
        return new DateTimeOffset(date.AddDays(addDays).ToDateTime(TimeOnly.MinValue), Beijing);
    }

    public static IReadOnlyList<string>? List(ParsedArgs args, string option) =>
        args.Option(option) is { Length: > 0 } text ? text.Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;

    public static string Local(DateTimeOffset? at) => at is { } t ? t.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string LocalDate(DateTimeOffset? at) => at is { } t ? t.ToOffset(Beijing).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";
}
