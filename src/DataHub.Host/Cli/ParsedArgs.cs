using System.CommandLine;
using System.CommandLine.Parsing;
using DataHub.Core.Failures;

namespace DataHub.Host.Cli;

/// <summary>
/// A thin view of System.CommandLine's parse result in the shape the verbs read: the verb, the
/// sub-verb and arguments as positional values (<c>users add NAME</c> gives <c>["add", "NAME"]</c>),
/// options by name. The parser (<see cref="CommandTree"/>) has already refused unknown options, a
/// missing or extra argument and an unknown sub-verb; the verbs still check the values themselves
/// (ranges, dates, roles) with their own zh-CN messages.
/// </summary>
internal sealed class ParsedArgs
{
    private readonly ParseResult _result;

    public ParsedArgs(ParseResult result)
    {
        _result = result;
        var chain = new List<CommandResult>();
        for (SymbolResult? r = result.CommandResult; r is CommandResult c; r = c.Parent) chain.Insert(0, c);
        Verb = chain.Count > 1 ? chain[1].Command.Name : "help";
        foreach (var sub in chain.Skip(2)) Positional.Add(sub.Command.Name);
        foreach (var argument in result.CommandResult.Command.Arguments)
        {
            if (result.GetResult(argument) is { } given) Positional.AddRange(given.Tokens.Select(t => t.Value));
        }
    }

    public string Verb { get; }

    public List<string> Positional { get; } = [];

    /// <summary>The value given for <c>--name</c>, or null when it was not given (or the command has no such option).</summary>
    public string? Option(string name)
    {
        if (Find(name) is not { } option || _result.GetResult(option) is not { Implicit: false } given) return null;
        return given.Tokens.Count > 0 ? given.Tokens[^1].Value : null;
    }

    public bool Flag(string name) => Find(name) is Option<bool> flag && _result.GetValue(flag);

    public int IntOption(string name, int fallback, int min, int max)
    {
        var text = Option(name);
        if (text is null) return fallback;
        return int.TryParse(text, out var v) && v >= min && v <= max ? v : throw Usage($"--{name} 应为 {min} 到 {max} 之间的整数");
    }

    public static DataHubException Usage(string message) =>
        new(FailureKind.Config, "CLI_USAGE", message, fix: "运行 datahub help 查看用法");

    /// <summary>The option of the command or of one of its parents (<c>--data</c> is the root's, recursive).</summary>
    private Option? Find(string name)
    {
        for (SymbolResult? r = _result.CommandResult; r is CommandResult c; r = c.Parent)
        {
            foreach (var option in c.Command.Options)
            {
                if (option.Name == "--" + name) return option;
            }
        }
        return null;
    }
}
