using System.Globalization;

namespace DataHub.Bench;

/// <summary>The repetitions of one measurement and their medians.</summary>
internal sealed record Series(string Label, ProbeKind Kind, IReadOnlyList<ProbeResult> Runs)
{
    public double MedianSeconds => Stats.Median(Runs.Select(r => r.Seconds));

    public double MinSeconds => Runs.Min(r => r.Seconds);

    public long Rows => Runs[0].Rows;

    public double RowsPerSecond => Rows / MedianSeconds;

    public double MedianCpuSeconds => Stats.Median(Runs.Select(r => r.CpuSeconds));

    public long MaxPeakWorkingSet => Runs.Max(r => r.PeakWorkingSetBytes);

    public double MedianAllocated => Stats.Median(Runs.Select(r => (double)r.AllocatedBytes));

    public long OutputBytes => Runs[^1].OutputBytes;
}

/// <param name="Load">1-minute load averages read after each measurement (other processes on the machine compete for its 2 cores).</param>
internal sealed record IngestResult(ExportPair Export, Series Baseline, IReadOnlyList<Series> Others, ProbeResult? Floor, IReadOnlyList<string> Warnings, IReadOnlyList<double> Load);

/// <summary>
/// ingest: the full DataHub pipeline against DuckDB alone (read_csv, sort by the community column,
/// COPY to Parquet) on the same UTF-8 export; the pipeline on the demo's GB18030 original; and the
/// pipeline's first stages alone (connector read; read + normalise) to show where its time goes.
/// </summary>
internal static class IngestBenchmark
{
    public const string BaselineLabel = "baseline: DuckDB read_csv → ORDER BY 社区代码 → COPY Parquet";
    public const string PipelineLabel = "DataHub pipeline (IngestionRunner.RunAsync)";

    public static async Task<IngestResult> RunAsync(BenchArgs args, Workspace workspace, ExportPair export, TextWriter log, CancellationToken cancellationToken)
    {
        var rowsFolder = workspace.Folder($"rows-{export.Rows}");
        var utf8 = export.Utf8;
        ProbeSpec Spec(ProbeKind kind, PreparedExport on) =>
            new(kind, on.DataRoot, on.SourceFile, on.CsvPath, Path.Combine(rowsFolder, "baseline.parquet"), Path.Combine(rowsFolder, "duckdb-tmp"));

        var plan = new List<(string Label, ProbeSpec Spec)>
        {
            (BaselineLabel, Spec(ProbeKind.Baseline, utf8)),
            (PipelineLabel, Spec(ProbeKind.Pipeline, utf8)),
        };
        if (args.Gb18030) plan.Add(("DataHub pipeline on the GB18030 original (demo default)", Spec(ProbeKind.Pipeline, export.Gb18030)));
        if (args.Stages)
        {
            plan.Add(("stage: CSV connector only (decode, parse, SHA-256)", Spec(ProbeKind.Read, utf8)));
            plan.Add(("stage: connector + normalise/validate (no staging, no Parquet)", Spec(ProbeKind.Normalize, utf8)));
        }

        var runs = plan.Select(_ => new List<ProbeResult>()).ToList();
        var load = new List<double>();
        for (var rep = 0; rep < args.Reps; rep++)
        {
            // Rotate the order each repetition so that drift (page cache, thermal) does not favour one side.
            for (var k = 0; k < plan.Count; k++)
            {
                var i = (k + rep) % plan.Count;
                var (label, spec) = plan[i];
                var result = await ProbeHost.RunAsync(spec, args.InProcess, cancellationToken);
                runs[i].Add(result);
                if (MachineInfo.LoadAverage() is { } l) load.Add(l);
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{export.Rows:N0} rows] rep {rep + 1}/{args.Reps} {label}: {result.Seconds:0.000} s, CPU {result.CpuSeconds:0.0} s, {result.Rows:N0} rows, peak {Stats.Mb(result.PeakWorkingSetBytes)}, allocated {Stats.Mb(result.AllocatedBytes)}"));
                if (result.Phases is { Count: > 0 } phases)
                    await log.WriteLineAsync("    stages: " + string.Join(", ", phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.00} s{(result.PhasesCpu?.GetValueOrDefault(p.Key) is > 0 and var c ? $" (CPU {c:0.00})" : "")}"))));
            }
        }
        var floor = await ProbeHost.RunAsync(Spec(ProbeKind.Floor, utf8), args.InProcess, cancellationToken);

        var series = plan.Select((p, i) => new Series(p.Label, p.Spec.Kind, runs[i])).ToList();
        var warnings = new List<string>();
        foreach (var s in series.Where(s => s.Runs.Any(r => r.Rows != export.Manifest.TotalRows)))
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"{s.Label} counted {s.Runs[0].Rows:N0} rows, the generator wrote {export.Manifest.TotalRows:N0}."));
        }
        return new IngestResult(export, series[0], series.Skip(1).ToList(), floor, warnings, load);
    }
}
