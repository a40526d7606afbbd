using DataHub.Catalog.Runs;
using DataHub.Connectors.Abstractions;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Pipelines.Lake;
using DataHub.Pipelines.Normalization;
using DataHub.Pipelines.Sources;

namespace DataHub.Pipelines.Ingestion;

/// <summary>The run whose quarantine a reprocess retries, its quarantine file and the source columns its records had.</summary>
internal sealed record ReprocessInput(string RunId, string QuarantineFile, string RunDirectory, IReadOnlyList<SourceColumn> Columns);

/// <summary>What <c>datahub quarantine list</c> shows of a source's current quarantine (counts only; values are the caller's to mask).</summary>
public sealed record QuarantineSummary(string SourceId, string Dataset, string RunId, string File, long Rows, long Reprocessable,
    IReadOnlyDictionary<string, long> ByReason, IReadOnlyList<QuarantineRow> Samples, SourceDefinition Source);

/// <summary>
/// Quarantine that can be fixed (docs/PUBLISHING.md): after a steward corrects a source's mapping, the
/// quarantined rows of the run that produced the source's current part are normalised again with the
/// corrected definition and those that now pass are merged into the source's part of a new version,
/// through the same publish path as any run (read-back, guards, quality, one catalog transaction).
/// </summary>
public sealed partial class IngestionRunner
{
    /// <summary>
    /// Reprocesses the current quarantine of the source defined in <paramref name="sourceFile"/>.
    /// Accounting: rows reprocessed = now accepted + still quarantined + duplicates. The run's own
    /// quarantine file (the rows still failing, key conflicts carried over) replaces the old one.
    /// </summary>
    public async Task<RunReport> ReprocessQuarantineAsync(string sourceFile, RunRequest request, CancellationToken cancellationToken)
    {
        var source = SourceDefinitionLoader.Load(sourceFile);
        var schema = SchemaLoader.Get(source.Dataset);
        var scopes = await _catalog.Datasets.ScopesAsync(schema.Name, cancellationToken);
        var scope = SourceScopeRules.Resolve(source, scopes);
        Directory.CreateDirectory(_lake.DatasetDirectory(schema.Name));
        using var datasetLock = AcquireLock(schema);
        var cleaned = new List<string>();
        await _recovery.CleanDatasetAsync(schema.Name, cleaned, [], cancellationToken);
        foreach (var dead in cleaned) RunnerLog.RunInterrupted(_logger, dead);
        var input = await ReprocessInputAsync(source, schema, cancellationToken);
        if (QuarantineFile.Summary(input.QuarantineFile).Reprocessable == 0)
            throw new DataHubException(FailureKind.Data, "QUARANTINE_NOTHING_TO_REPROCESS",
                $"数据源 {source.Id} 当前的隔离明细中没有可重新处理的行（只有主键冲突或删除记录）", input.QuarantineFile, "主键冲突需由部门核实后在源数据中更正，再重新运行数据源");

        var runId = NewRunId();
        var started = _time.GetUtcNow();
        await _catalog.Runs.StartAsync(runId, source.Id, schema.Name, cancellationToken);
        RunnerLog.RunStarted(_logger, runId, source.Id);
        var report = await AttemptAsync(source, schema, scope, scopes, request, runId, started, 1, [], input, cancellationToken)
            ?? throw new DataHubException(FailureKind.Transient, "RUN_RETRY", "重新处理被临时故障打断", runId, "稍后再运行 datahub quarantine reprocess");
        // The rows of the old file now live in the published part or in this run's quarantine file.
        if (report.Succeeded) DeleteReplacedQuarantine(input.QuarantineFile);
        return report;
    }

    /// <summary>The counts and the first rows of the source's current quarantine (the file of the run behind its current part).</summary>
    public async Task<QuarantineSummary> QuarantineAsync(string sourceFile, int samples, CancellationToken cancellationToken)
    {
        var source = SourceDefinitionLoader.Load(sourceFile);
        var schema = SchemaLoader.Get(source.Dataset);
        var input = await ReprocessInputAsync(source, schema, cancellationToken);
        var (byReason, rows, reprocessable) = QuarantineFile.Summary(input.QuarantineFile);
        return new QuarantineSummary(source.Id, schema.Name, input.RunId, input.QuarantineFile, rows, reprocessable, byReason,
            QuarantineFile.Read(input.QuarantineFile, cancellationToken).Take(samples).ToList(), source);
    }

    /// <summary>The quarantine of the run behind the source's current part, or a zh-CN error saying why there is none.</summary>
    private async Task<ReprocessInput> ReprocessInputAsync(SourceDefinition source, DatasetSchema schema, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(schema.Name, source.Id, cancellationToken);
        if (current.Mine is not { } mine)
            throw new DataHubException(FailureKind.Data, "QUARANTINE_NO_PART", $"数据源 {source.Id} 在数据集“{schema.Title}”的当前版本中还没有数据",
                source.FilePath, $"先运行 datahub ingest {source.FilePath}；全部行被隔离的运行不会发布，请按其报告修正映射后重新运行");
        var runDirectory = _lake.RunDirectory(mine.RunId);
        var file = QuarantineFile.In(runDirectory);
        if (!File.Exists(file))
            throw new DataHubException(FailureKind.Data, "QUARANTINE_NONE", $"数据源 {source.Id} 当前部分（运行 {mine.RunId}）没有隔离明细",
                runDirectory, "该运行没有隔离行，或隔离明细已按保留期限清理（RunFilesMaxAge）");
        var run = await _catalog.Runs.GetAsync(mine.RunId, cancellationToken);
        var columns = (run?.ReportJson is { } json ? RunReport.FromJson(json)?.SourceColumns : null)
            ?.Select((c, i) => new SourceColumn(c.Name, i, c.Type)).ToList();
        return new ReprocessInput(mine.RunId, file, runDirectory, columns ?? ColumnsOf(file));
    }

    /// <summary>The source columns as the first reprocessable row's original values name them (runs whose report lacks the columns).</summary>
    private static List<SourceColumn> ColumnsOf(string file)
    {
        var first = QuarantineFile.Read(file, default).FirstOrDefault(r => r.Kind == QuarantineRow.RowKind);
        return first is null ? [] : first.Values().Keys.Select((name, i) => new SourceColumn(name, i)).ToList();
    }

    private async Task<(StageResult Result, ConnectorState? State, string Hash, IReadOnlyList<string> Streets)?> StageReprocessAsync(
        SourceDefinition source, DatasetSchema schema, ResolvedScope? scope, string runDirectory, string staging, RunTally tally,
        CurrentState current, ReprocessInput input, CancellationToken cancellationToken)
    {
        tally.ReprocessOf = input.RunId;
        tally.SourceColumns = input.Columns.Select(c => new ColumnInfo(c.Name, c.DeclaredType)).ToList();
        var previousPart = Path.Combine(current.Version!.Directory, current.Mine!.File);
        // The corrected definition must still fit the columns the records had (a missing column is a config error here).
        var communities = await StandardAddressSource.ForAsync(_catalog, schema, _options.DuckDbMemoryLimit, _options.DuckDbThreads, cancellationToken);
        var normalizer = RecordNormalizer.Bind(source, schema, input.Columns, _catalog.Divisions, _hasher, communities);
        var streets = new SortedSet<string>(StringComparer.Ordinal);
        tally.Stage = "校验入库";
        using var stage = new RunStage(schema, runDirectory, _options.DuckDbMemoryLimit, _options.DuckDbThreads);
        var pipeline = new BatchPipeline(new PreparedBatch.Context(normalizer, schema, scope, Raw: false, Fingerprint: false, stage.AcceptedFolder), cancellationToken);
        try
        {
            var batch = new List<SourceRecord>(BatchSize);
            foreach (var row in QuarantineFile.Read(input.QuarantineFile, cancellationToken))
            {
                if (row.Kind != QuarantineRow.RowKind)
                {
                    // A key conflict or a deletion record cannot be fixed by a mapping: carried over as it is.
                    var carried = new BatchCounts();
                    carried.Count(new NormalizedRecord(row.SourceLine, null, row.Codes.Select(c => new Problem(c, "", row.Reasons)).ToList(), []));
                    tally.Add(carried);
                    stage.AddQuarantined(row.SourceLine, row.ReasonCodes, row.Reasons, row.OriginalValues, row.Kind);
                    continue;
                }
                var values = row.Values();
                batch.Add(new SourceRecord(row.SourceLine, input.Columns.Select(c => (object?)values.GetValueOrDefault(c.Name)).ToArray()));
                if (batch.Count < BatchSize) continue;
                if (await pipeline.AddAsync(new RecordBatch(input.Columns, batch)) is { } ready) Apply(ready);
                batch = new List<SourceRecord>(BatchSize);
            }
            if (batch.Count > 0 && await pipeline.AddAsync(new RecordBatch(input.Columns, batch)) is { } last) Apply(last);
            while (await pipeline.NextAsync() is { } ready) Apply(ready);
        }
        catch
        {
            pipeline.Abandon();
            throw;
        }

        void Apply(PreparedBatch ready)
        {
            ApplyToStage(ready, stage, tally);
            streets.UnionWith(ready.Streets);
        }

        tally.Stage = "去重写出";
        FileModes.CreateRestricted(staging);
        stage.Cancellation = cancellationToken;
        var result = stage.FinishReprocess(staging, LakeLayout.PartFileName(source.Id), runDirectory, previousPart,
            Path.Combine(input.RunDirectory, "field_issues.parquet"));
        tally.MoveToQuarantine(result.Conflicts, "KEY_CONFLICT");
        tally.Finish(result);
        tally.FieldIssues = stage.KeptFieldIssues();
        if (tally.Read != tally.Accepted + tally.Quarantined + tally.Duplicates)
            throw new DataHubException(FailureKind.System, "RUN_ACCOUNTING", "行数核对不平（重新处理 ≠ 接收 + 仍隔离 + 重复），本次不发布", fix: "这是平台缺陷，请报告运维");
        if (result.Rows == 0) return null; // nothing passes now: the part and its quarantine stay as they are, no new version
        // No content hash: the next full read of the source is never taken for "unchanged" against this part.
        return (result, null, "", streets.ToArray());
    }

    private const int BatchSize = 5000;

    internal static void DeleteReplacedQuarantine(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Retention removes it with its run folder.
        }
    }
}
