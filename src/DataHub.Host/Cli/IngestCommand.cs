using DataHub.Host.Composition;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Host.Cli;

/// <summary><c>datahub ingest SOURCE_FILE [--data DIR] [--json]</c>: one run of one declared source.</summary>
internal static class IngestCommand
{
    public static async Task<int> RunAsync(ParsedArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var data = new DataDirectory(args.Option("data") ?? DataDirectory.DefaultRoot);
        var catalogPostgres = args.Option("catalog-postgres");
        var json = args.Flag("json");
        args.RejectUnknown();
        if (args.Positional.Count != 1) throw ParsedArgs.Usage("ingest 需要且只需要一个参数：数据源定义文件（.yaml）");

        var engine = await DataHubEngine.OpenAsync(data, TimeProvider.System, NullLoggerFactory.Instance, cancellationToken, catalogPostgres);
        var report = await engine.Runner.RunAsync(args.Positional[0], cancellationToken);
        await stdout.WriteLineAsync(json ? report.ToJson() : report.ToText());
        return report.Succeeded ? CommandLine.Ok : CommandLine.Failed;
    }
}
