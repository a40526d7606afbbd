using System.Diagnostics;
using System.Globalization;

namespace DataHub.Bench;

/// <summary>Runs the selected benchmarks for each row count, then prints and writes the markdown results.</summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(BenchArgs args, IReadOnlyList<string> commandLine, TextWriter stdout, TextWriter log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var machine = MachineInfo.Collect();
        var ingest = new List<IngestResult>();
        var scoped = new List<ScopedResult>();
        var feeds = new List<string>();
        var connectors = new List<ConnectorResult>();
        var health = new List<HealthDuringIngestBenchmark.Result>();
        using (var workspace = Workspace.Create(args.Out))
        {
            await log.WriteLineAsync($"Work folder: {workspace.Root} (deleted at the end)");
            foreach (var rows in args.Rows)
            {
                if (args.HealthDuringIngest) health.Add(await HealthDuringIngestBenchmark.RunAsync(args, workspace, rows, log, cancellationToken));
                if (!(args.Ingest || args.ScopedQuery || args.FeedHttp || args.Connectors)) continue; // the export pair is theirs
                var export = await Exports.PrepareAsync(workspace, rows, args.Seed, log, cancellationToken);
                if (args.Ingest) ingest.Add(await IngestBenchmark.RunAsync(args, workspace, export, log, cancellationToken));
                if (args.ScopedQuery) scoped.Add(await ScopedQueryBenchmark.RunAsync(args, workspace, export, log, cancellationToken));
                if (args.FeedHttp) feeds.Add(await FeedHttpBenchmark.RunAsync(args, workspace, export, log, cancellationToken));
                if (args.Connectors) connectors.Add(await ConnectorBenchmark.RunAsync(args, workspace, export, log, cancellationToken));
            }
        }

        var run = Report.Run(args, commandLine, machine, ingest, scoped, clock.Elapsed) + string.Concat(feeds) + ConnectorBenchmark.Render(connectors) + HealthDuringIngestBenchmark.Render(health);
        await stdout.WriteAsync(Report.FileHeader + run);
        var path = args.Results ?? DefaultResultsPath();
        if (args.Append && File.Exists(path)) await File.AppendAllTextAsync(path, "\n---\n\n" + run, cancellationToken);
        else await File.WriteAllTextAsync(path, Report.FileHeader + run, cancellationToken);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Results written to {path} ({clock.Elapsed.TotalSeconds:0} s in all)."));
        return 0;
    }

    /// <summary>bench/RESULTS.md of the repository this executable was built from (or the current folder's).</summary>
    private static string DefaultResultsPath()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DataHub.sln")) && Directory.Exists(Path.Combine(dir.FullName, "bench")))
                    return Path.Combine(dir.FullName, "bench", "RESULTS.md");
            }
        }
        return Path.GetFullPath("RESULTS.md");
    }
}
