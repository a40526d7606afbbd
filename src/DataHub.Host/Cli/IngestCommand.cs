using System.Text.Json;
using DataHub.Core.Failures;
using DataHub.Host.Composition;
using DataHub.Pipelines.Ingestion;

namespace DataHub.Host.Cli;

/// <summary><c>datahub ingest SOURCE_FILE [--data DIR] [--json]</c>: one run of one declared source.</summary>
internal static class IngestCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var target = EngineTarget.From(args);
        var json = args.Flag("json");
        var request = new RunRequest { Force = args.Flag("force"), Actor = args.Option("actor") ?? Environment.UserName };
        if (args.Positional.Count != 1) throw ParsedArgs.Usage("ingest 需要且只需要一个参数：数据源定义文件（.yaml）");

        var engine = await target.OpenAsync(cancellationToken);
        RunReport report;
        try
        {
            report = await engine.Runner.RunAsync(args.Positional[0], request with { Progress = TerminalProgress.ForConsole(json) }, cancellationToken);
        }
        catch (DataHubException e) when (json)
        {
            // Scripts asked for JSON: a definition that cannot be loaded is reported in the same shape.
            var failure = new { status = "failed", errorCode = e.Code, error = e.UserMessage, errorWhere = e.Where, errorFix = e.Fix };
            await stdout.WriteLineAsync(JsonSerializer.Serialize(failure, RunReport.Json));
            return CommandLine.Failed;
        }
        await stdout.WriteLineAsync(json ? report.ToJson() : report.ToText());
        return report.Succeeded || report.Status == "unchanged" ? CommandLine.Ok : CommandLine.Failed;
    }
}
