using DataHub.Core.Failures;

namespace DataHub.Host.Cli;

/// <summary>
/// The command line as <c>verb [positional…] [--option value | --flag]</c>. Small on purpose: two
/// verbs and a handful of options do not need a framework, and the errors stay ours (zh-CN).
/// </summary>
internal sealed class ParsedArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private ParsedArgs(string verb) => Verb = verb;

    public string Verb { get; }

    public List<string> Positional { get; } = [];

    public static ParsedArgs Parse(string[] args, IReadOnlySet<string> flags)
    {
        var parsed = new ParsedArgs(args.Length == 0 ? "help" : args[0]);
        for (var i = 1; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { parsed.Positional.Add(a); continue; }
            var name = a[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0) { parsed._options[name[..eq]] = name[(eq + 1)..]; continue; }
            if (flags.Contains(name)) { parsed._options[name] = null; continue; }
            if (i + 1 >= args.Length) throw Usage($"选项 --{name} 后面缺少取值");
            parsed._options[name] = args[++i];
        }
        return parsed;
    }

    public string? Option(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var v) ? v : null;
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _options.ContainsKey(name);
    }

    public int IntOption(string name, int fallback, int min, int max)
    {
        var text = Option(name);
        if (text is null) return fallback;
        return int.TryParse(text, out var v) && v >= min && v <= max ? v : throw Usage($"--{name} 应为 {min} 到 {max} 之间的整数");
    }

    /// <summary>Fails on options nobody asked for, so a typo is not silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw Usage($"不认识的选项：{string.Join(" ", unknown.Select(u => "--" + u))}");
    }

    public static DataHubException Usage(string message) =>
        new(FailureKind.Config, "CLI_USAGE", message, fix: "运行 datahub help 查看用法");
}
