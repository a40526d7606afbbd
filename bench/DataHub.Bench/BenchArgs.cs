using System.Globalization;

namespace DataHub.Bench;

/// <summary>A command line the harness cannot run.</summary>
internal sealed class BenchUsageException(string message) : Exception(message);

/// <summary>The parsed command line. Every number is bounded so a run always ends by itself.</summary>
internal sealed record BenchArgs
{
    public const int MaxRows = 10_000_000;

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/DataHub.Bench -- [ingest|scoped-query|all] [options]

          ingest         time the DataHub pipeline against DuckDB alone on the same simulated export
          scoped-query   time a community-scoped query on the sorted file the pipeline published
                         against the same rows in random order (raw DuckDB and one OData page)
          all            both (default)
          feed-http      DataHub's feed against ASP.NET Core OData + EF Core + SQLite over HTTP on
                         loopback, same rows and queries; DuckDB alone; 32 concurrent clients
          connectors     every connector reading the same rows (CSV, Excel, SQLite, PostgreSQL, REST)
                         and the Excel reader candidates; the REST and FHIR connectors on a simulated
                         district's enterprises and patients; rows/s and peak memory against the CSV
                         connector on the same records
          health-during-ingest
                         /health/ready latency (p50/p95/max) while an ingest of N rows runs in the
                         same process as the web host, against the same node idle

        Options:
          --rows N[,N...]   rows of the simulated export; a list runs each size (default 200000)
          --reps N          repetitions of each ingest measurement, median reported (default 3, 1..20)
          --query-runs N    timed runs of each query, median reported (default 30, 5..1000)
          --out DIR         parent of the temporary work folder (default: the system temp folder);
                            the work folder is deleted at the end
          --results FILE    where to write the markdown results (default: bench/RESULTS.md of the repository)
          --append          add this run's results to the file instead of overwriting it
          --load-seconds N  duration of the concurrent-clients run of feed-http (default 20, 5..120)
          --seed N          generator seed (default 20261128, the demo's)
          --in-process      run ingest measurements in this process instead of a fresh child process
                            each (peak working set is then process-wide, not per measurement)
          --no-gb18030      skip the pipeline run on the demo's GB18030 export
          --no-stages       skip the pipeline stage breakdown (connector read, read + normalise)
          --postgres CS     PostgreSQL server for the connectors benchmark (default: DATAHUB_TEST_POSTGRES)
          --help            this text

        """;

    public bool Ingest { get; init; }

    public bool ScopedQuery { get; init; }

    public bool FeedHttp { get; init; }

    public int LoadSeconds { get; init; } = 20;
    public bool Connectors { get; init; }

    public bool HealthDuringIngest { get; init; }

    public string? Postgres { get; init; }

    public IReadOnlyList<int> Rows { get; init; } = [200_000];

    public int Reps { get; init; } = 3;

    public int QueryRuns { get; init; } = 30;

    public string? Out { get; init; }

    public string? Results { get; init; }

    public int Seed { get; init; } = 20261128;

    public bool InProcess { get; init; }

    public bool Append { get; init; }

    public bool Gb18030 { get; init; } = true;

    public bool Stages { get; init; } = true;

    /// <summary>The options, or null when help was asked for.</summary>
    public static BenchArgs? Parse(IReadOnlyList<string> args)
    {
        var result = new BenchArgs();
        string? benchmark = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new BenchUsageException($"{arg} needs a value.");
            switch (arg)
            {
                case "--help" or "-h":
                    return null;
                case "--rows":
                    result = result with { Rows = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Int(arg, v, 1000, MaxRows)).ToList() };
                    if (result.Rows.Count == 0) throw new BenchUsageException("--rows needs at least one number.");
                    break;
                case "--reps":
                    result = result with { Reps = Int(arg, Value(), 1, 20) };
                    break;
                case "--query-runs":
                    result = result with { QueryRuns = Int(arg, Value(), 5, 1000) };
                    break;
                case "--out":
                    result = result with { Out = Value() };
                    break;
                case "--results":
                    result = result with { Results = Value() };
                    break;
                case "--seed":
                    result = result with { Seed = Int(arg, Value(), 0, int.MaxValue) };
                    break;
                case "--load-seconds":
                    result = result with { LoadSeconds = Int(arg, Value(), 5, 120) };
                    break;
                case "--append":
                    result = result with { Append = true };
                    break;
                case "--in-process":
                    result = result with { InProcess = true };
                    break;
                case "--no-gb18030":
                    result = result with { Gb18030 = false };
                    break;
                case "--postgres":
                    result = result with { Postgres = Value() };
                    break;
                case "--no-stages":
                    result = result with { Stages = false };
                    break;
                default:
                    if (arg.StartsWith('-')) throw new BenchUsageException($"Unknown option {arg}.");
                    if (benchmark is not null) throw new BenchUsageException($"Only one benchmark name, got {benchmark} and {arg}.");
                    benchmark = arg;
                    break;
            }
        }
        return (benchmark ?? "all") switch
        {
            "all" => result with { Ingest = true, ScopedQuery = true },
            "ingest" => result with { Ingest = true },
            "scoped-query" => result with { ScopedQuery = true },
            "feed-http" => result with { FeedHttp = true },
            "connectors" => result with { Connectors = true },
            "health-during-ingest" => result with { HealthDuringIngest = true },
            var other => throw new BenchUsageException($"Unknown benchmark {other}: use ingest, scoped-query, feed-http, connectors, health-during-ingest or all."),
        };
    }

    private static int Int(string option, string value, int min, int max) =>
        int.TryParse(value.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new BenchUsageException($"{option} must be a whole number from {min} to {max}, got '{value}'.");
}
