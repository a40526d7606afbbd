using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using DataHub.Catalog;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Runs;
using DataHub.Connectors.Abstractions;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Pipelines.Lake;
using DataHub.Pipelines.Normalization;
using DataHub.Pipelines.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// Runs one declared source once: read, normalise, quarantine, de-duplicate, write the source's
/// part, carry the other sources' parts over, check, and publish a new version (or hold it for a
/// steward, or publish nothing when the input has not changed). A run that fails for any reason
/// publishes nothing and the previous version stays current; the failure is recorded in the run
/// history with its zh-CN message and the stage it stopped in. See docs/PUBLISHING.md.
/// </summary>
public sealed partial class IngestionRunner
{
    private readonly DataHubCatalog _catalog;
    private readonly ConnectorRegistry _connectors;
    private readonly IngestionOptions _options;
    private readonly TimeProvider _time;
    private readonly LakeLayout _lake;
    private readonly RecordIdHasher _hasher;
    private readonly RawZone _raw;
    private readonly ILogger _logger;
    private readonly LakeRecovery _recovery;

    public IngestionRunner(DataHubCatalog catalog, ConnectorRegistry connectors, IngestionOptions options, TimeProvider time, ILogger<IngestionRunner>? logger = null)
    {
        _logger = logger ?? NullLogger<IngestionRunner>.Instance;
        options.Validate();
        _catalog = catalog;
        _connectors = connectors;
        _options = options;
        _time = time;
        _lake = new LakeLayout(options.LakeRoot);
        _hasher = new RecordIdHasher(options.RecordIdKey);
        _recovery = new LakeRecovery(catalog, _lake);
        _raw = new RawZone(options.ResolvedRawRoot);
    }

    public LakeLayout Lake => _lake;

    public IngestionOptions Options => _options;

    /// <summary>Where <paramref name="sourceId"/>'s part of the current version of <paramref name="dataset"/> lives (null: none yet).</summary>
    public Task<string?> CurrentPartAsync(string dataset, string sourceId, CancellationToken cancellationToken) =>
        _catalog.CurrentPartAsync(_lake, dataset, sourceId, cancellationToken);

    public Task<RunReport> RunAsync(string sourceFile, CancellationToken cancellationToken) => RunAsync(sourceFile, new RunRequest(), cancellationToken);

    /// <param name="progress">Told the stage and rows read after every batch (a terminal shows it; null for none).</param>
    public Task<RunReport> RunAsync(string sourceFile, IProgress<RunProgress>? progress, CancellationToken cancellationToken) =>
        RunAsync(sourceFile, new RunRequest { Progress = progress }, cancellationToken);

    /// <summary>
    /// Start-up recovery (serve and ingest call it first): runs left running by a dead process are
    /// marked failed (<c>interrupted</c>), their staging and scratch removed, and version folders the
    /// catalog never committed deleted. Datasets a live run holds are left alone.
    /// </summary>
    public async Task<RecoveryReport> RecoverAsync(CancellationToken cancellationToken)
    {
        var report = await _recovery.RecoverAllAsync(cancellationToken);
        foreach (var run in report.InterruptedRuns) RunnerLog.RunInterrupted(_logger, run);
        if (report.RemovedFolders.Count > 0) RunnerLog.LeftoversRemoved(_logger, report.RemovedFolders.Count);
        return report;
    }

    public RawZone Raw => _raw;

    /// <summary>
    /// Runs the source defined in <paramref name="sourceFile"/>. A definition that cannot be loaded
    /// throws <see cref="DataHubException"/> (nothing was started); every later failure is returned
    /// as a failed report.
    /// </summary>
    public async Task<RunReport> RunAsync(string sourceFile, RunRequest request, CancellationToken cancellationToken)
    {
        var source = SourceDefinitionLoader.Load(sourceFile);
        var schema = SchemaLoader.Get(source.Dataset);
        var scopes = await _catalog.Datasets.ScopesAsync(schema.Name, cancellationToken);
        var scope = SourceScopeRules.Resolve(source, scopes);
        await RegisterAsync(source, schema, scopes, cancellationToken);

        Directory.CreateDirectory(_lake.DatasetDirectory(schema.Name));
        using var datasetLock = AcquireLock(schema);
        // Holding the lock proves no other run of this dataset is alive: clear what dead ones left.
        var cleaned = new List<string>();
        await _recovery.CleanDatasetAsync(schema.Name, cleaned, [], cancellationToken);
        foreach (var run in cleaned) RunnerLog.RunInterrupted(_logger, run);
        var runId = NewRunId();
        var started = _time.GetUtcNow();
        var clock = _time.GetTimestamp();
        await _catalog.Runs.StartAsync(runId, source.Id, schema.Name, cancellationToken);
        RunnerLog.RunStarted(_logger, runId, source.Id);
        var retried = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            var report = await AttemptAsync(source, schema, scope, scopes, request, runId, started, attempt, retried, null, cancellationToken);
            if (report is null) continue;
            IngestionMetrics.RunFinished(report, _time.GetElapsedTime(clock));
            return report;
        }
    }

    /// <summary>
    /// One attempt of a run: the report, or null when a transient failure of the source (briefly
    /// unreachable or busy) should be retried: the whole read is repeated, nothing of the failed
    /// attempt is kept, after a wait that doubles each time.
    /// </summary>
    private async Task<RunReport?> AttemptAsync(SourceDefinition source, DatasetSchema schema, ResolvedScope? scope, IReadOnlyList<SourceScope> scopes,
        RunRequest request, string runId, DateTimeOffset started, int attempt, List<string> retried, ReprocessInput? reprocess, CancellationToken cancellationToken)
    {
        var timings = new RunTimings(_time);
        var tally = new RunTally { Attempts = attempt, RetriedFailures = retried.ToArray(), Timings = timings };
        var staging = _lake.StagingDirectory(schema.Name, runId);
        var runDirectory = _lake.RunDirectory(runId);
        string? moved = null;
        timings.Mark(RunTimings.Prepare);
        RunReport Report(string status, long? version = null) => tally.Report(runId, source, status, started, _time.GetUtcNow(), version, runDirectory);
        try
        {
            var current = await CurrentAsync(schema.Name, source.Id, cancellationToken);
            var staged = reprocess is null
                ? await StageAsync(source, schema, scope, runId, runDirectory, staging, tally, current, request.Progress, started, cancellationToken)
                : await StageReprocessAsync(source, schema, scope, runDirectory, staging, tally, current, reprocess, cancellationToken);
            if (staged is null)
            {
                var unchanged = Report(RunStatus.Unchanged) with { PreviousVersion = current.Version?.Version, PreviousAccepted = current.Mine?.RowCount, PreviousRowsRead = current.Mine?.RowsRead };
                await _catalog.Datasets.FinishUnchangedAsync(runId, tally.Counts, unchanged.ToJson(), cancellationToken);
                return unchanged;
            }
            var (result, state, hash, streets) = staged.Value;
            var partPath = result.Part;
            var newScope = scope ?? new ResolvedScope(streets, Declared: false);
            if (scope is null) SourceScopeRules.CheckOverlap(source, newScope.Codes, scopes);

            tally.Stage = "复核";
            timings.Mark(RunTimings.ReadBack);
            await ParquetReadBack.VerifyAsync(partPath, schema, result.VersionRows, cancellationToken);
            var parts = CarryOtherParts(current, source.Id, staging);
            // An incremental part stands for the whole source: its size is what the next read is compared with.
            // A reprocess read no source: the part still stands for the read of the run it completes.
            var partRowsRead = reprocess is not null ? current.Mine!.RowsRead : tally.Incremental ? result.VersionRows : tally.Read;
            parts.Add(new VersionPart(source.Id, Path.GetFileName(partPath), result.VersionRows, partRowsRead, hash, runId));
            FileModes.RestrictDirectory(staging);

            var holdReasons = HoldReasons(tally, result.VersionRows, current.Mine);
            var report = Report(RunStatus.Succeeded) with
            {
                Scope = newScope.Codes, ScopeDeclared = newScope.Declared, HoldReasons = holdReasons, Forced = request.Force && holdReasons.Count > 0,
                PreviousVersion = current.Version?.Version, PreviousAccepted = current.Mine?.RowCount, PreviousRowsRead = current.Mine?.RowsRead,
            };
            tally.Stage = "发布";
            timings.Mark(RunTimings.Quality);
            var publish = new PublishRequest(runId, schema.Name, 0, "", [], parts.Sum(p => p.RowCount), schema.Version, tally.Counts, "", source.Id, state?.Json, parts,
                QualityFigures.Compute(staging, Path.GetFileName(partPath), schema, runDirectory,
                    current.Version is null ? [] : await _catalog.Datasets.QualityAsync(schema.Name, current.Version.Version, cancellationToken),
                    tally.KeyConflicts, _time.GetUtcNow()),
                report.Forced ? request.Actor : null);
            timings.Mark(RunTimings.Publish);
            if (holdReasons.Count > 0 && !request.Force)
            {
                timings.Stop();
                var held = report with { Status = RunStatus.Held };
                var heldDirectory = _lake.HeldDirectory(schema.Name, runId);
                Directory.Move(staging, heldDirectory);
                await _catalog.Datasets.HoldAsync(runId, schema.Name, source.Id, current.Version?.Version, heldDirectory,
                    JsonSerializer.Serialize(publish with { ReportJson = held.ToJson() }), tally.Counts, held.ToJson(), "RUN_HELD", string.Join("；", holdReasons), cancellationToken);
                await SaveScopeAsync(source, newScope, cancellationToken);
                return held;
            }

            await TestPausePoint.ReachedAsync("parquet", cancellationToken);
            request.Progress?.Report(new RunProgress(RunProgress.Publishing, tally.Read, _time.GetUtcNow() - started));
            var version = await LakeVersions.NextAsync(_catalog, _lake, schema.Name, cancellationToken);
            moved = _lake.VersionDirectory(schema.Name, version);
            Directory.Move(staging, moved);
            await TestPausePoint.ReachedAsync("publish", cancellationToken);
            timings.Stop();
            report = report with { Version = version, Stage = null, Timings = timings.Snapshot(), CpuTimings = timings.CpuSnapshot() };
            // CHECKPOINT: the files are in place; one catalog transaction makes them current.
            await _catalog.Datasets.PublishAsync(publish with { Version = version, Directory = moved, Files = PartFiles(moved), ReportJson = report.ToJson() }, cancellationToken);
            moved = null;
            RunnerLog.RunSucceeded(_logger, runId, source.Id, version, tally.Read, tally.Accepted, tally.Quarantined, tally.Duplicates);
            await SaveScopeAsync(source, newScope, cancellationToken);
            // The stages after the switch: the catalog's copy of the report ends at the publish; the
            // report returned (and printed) has them too.
            timings.Mark(RunTimings.Retention);
            await ApplyRetentionAsync(schema.Name, cancellationToken);
            timings.Mark(RunTimings.QualityDataset);
            await PublishQualityAsync(schema.Name, runId, cancellationToken);
            if (!request.DeferDerived)
            {
                timings.Mark(RunTimings.Derived);
                await RebuildDerivedAsync(schema.Name, runId, timings, cancellationToken);
            }
            timings.Stop();
            return report with { Timings = timings.Snapshot(), CpuTimings = timings.CpuSnapshot() };
        }
        catch (DataHubException e) when (e.IsTransient && e.Code != "DATASET_BUSY" && attempt < _options.MaxAttempts && !cancellationToken.IsCancellationRequested)
        {
            retried.Add(e.Code);
            RunnerLog.RunRetrying(_logger, runId, source.Id, attempt, e.Code);
            LakeRecovery.DeleteScratch(runDirectory, null);
            var delay = _options.RetryDelay * Math.Pow(2, attempt - 1);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, cancellationToken);
            return null;
        }
        catch (Exception e)
        {
            // Free the disk before anything else: a full disk must not stay full, and the failure must
            // still be recordable (the scratch of this run is usually what filled it).
            LakeRecovery.Delete(staging, null);
            if (moved is not null) LakeRecovery.Delete(moved, null);
            moved = null;
            LakeRecovery.DeleteScratch(runDirectory, null);
            var failure = e switch
            {
                DataHubException d => d,
                OperationCanceledException => new DataHubException(FailureKind.Transient, "RUN_CANCELLED", "运行已取消", fix: "重新运行该数据源"),
                _ when DiskFull.Is(e) => DiskFull.Failure(_lake.Root, e),
                // A defect of ours: the engineer's message goes to the log only (it may quote a value).
                _ => new DataHubException(FailureKind.System, "RUN_INTERNAL", $"平台内部错误（{e.GetType().Name}），本次未发布", fix: "请把运行编号告知运维；详情见数据目录下的日志 logs/datahub.log（serve 的控制台也有）"),
            };
            if (failure.Kind == FailureKind.System) RunnerLog.RunFailedInternal(_logger, e, runId, source.Id, failure.Code);
            else RunnerLog.RunFailed(_logger, runId, source.Id, failure.Code, failure.Kind);
            var kind = KindName(failure.Kind);
            var report = Report(RunStatus.Failed) with
            {
                ErrorCode = failure.Code, Error = failure.UserMessage, ErrorWhere = failure.Where, ErrorFix = failure.Fix, FailureKind = kind,
            };
            try
            {
                await _catalog.Runs.FailAsync(runId, tally.Counted ? tally.Counts : null, report.ToJson(), failure.Code, failure.UserMessage, kind, CancellationToken.None);
            }
            catch (Exception recordError) when (recordError is not OutOfMemoryException)
            {
                // The catalog may be on the full disk too: the run stays "running" until the next
                // start-up's recovery marks it interrupted. The user still gets the report.
                RunnerLog.FailureNotRecorded(_logger, recordError, runId);
            }
            if (e is OperationCanceledException) throw;
            return report;
        }
        finally
        {
            DeleteDirectory(staging);
            if (moved is not null) DeleteDirectory(moved); // moved but never published: not a version
        }
    }

    /// <summary>The current version of a dataset, its parts and the part of <paramref name="sourceId"/> in it.</summary>
    private async Task<CurrentState> CurrentAsync(string dataset, string sourceId, CancellationToken cancellationToken)
    {
        var entry = await _catalog.Datasets.GetAsync(dataset, cancellationToken);
        if (entry?.CurrentVersion is not { } v || await _catalog.Datasets.GetVersionAsync(dataset, v, cancellationToken) is not { } version)
            return new CurrentState(null, [], null);
        var parts = await _catalog.Datasets.PartsAsync(dataset, v, cancellationToken);
        if (parts.Count == 0)
        {
            // A version written before parts were recorded: one file, owned by the source of its run.
            var run = await _catalog.Runs.GetAsync(version.RunId, cancellationToken);
            parts = (await SourceParts.PartsAsync(_catalog, version, cancellationToken))
                .Select(p => new VersionPart(p.Source, p.File, version.RowCount, run?.RowsRead ?? version.RowCount, "", version.RunId)).ToList();
        }
        return new CurrentState(version, parts, parts.FirstOrDefault(p => p.SourceId == sourceId));
    }

    private sealed record CurrentState(DatasetVersion? Version, IReadOnlyList<VersionPart> Parts, VersionPart? Mine);

    /// <summary>Copies every other source's part of the current version into the new version's folder, unchanged.</summary>
    private static List<VersionPart> CarryOtherParts(CurrentState current, string sourceId, string staging)
    {
        var parts = new List<VersionPart>();
        foreach (var p in current.Parts.Where(p => p.SourceId != sourceId))
        {
            var target = LakeLayout.PartFileName(p.SourceId);
            File.Copy(Path.Combine(current.Version!.Directory, p.File), Path.Combine(staging, target));
            parts.Add(p with { File = target });
        }
        return parts;
    }

    private static IReadOnlyList<string> PartFiles(string directory) =>
        Directory.EnumerateFiles(directory, "part-*.parquet").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The publish guards (docs/PUBLISHING.md): a cut-off file, a drop in accepted rows, a much smaller input.</summary>
    /// <param name="partRows">The rows of this source's new part (for an incremental read: the previous part with the changes merged in).</param>
    private List<string> HoldReasons(RunTally tally, long partRows, VersionPart? previous)
    {
        var reasons = tally.ConnectorWarningCodes.Contains("CSV_TRUNCATED")
            ? tally.ConnectorWarnings.Where(w => w.Contains("截断", StringComparison.Ordinal)).ToList()
            : [];
        if (previous is null) return reasons;
        if (partRows < previous.RowCount * (1 - _options.HoldDropShare))
            reasons.Add($"本数据源的行数从当前版本的 {previous.RowCount} 行降到 {partRows} 行（减少 {Share(previous.RowCount - partRows, previous.RowCount)}，超过允许的 {_options.HoldDropShare:P0}）");
        // An incremental read carries only the changes: its size says nothing about completeness.
        if (!tally.Incremental && tally.ReprocessOf is null && tally.Read < previous.RowsRead * (1 - _options.HoldInputShrinkShare))
            reasons.Add($"输入只有 {tally.Read} 行，上次为 {previous.RowsRead} 行（减少 {Share(previous.RowsRead - tally.Read, previous.RowsRead)}），文件可能不完整");
        return reasons;
    }

    private static string Share(long part, long whole) => whole == 0 ? "0%" : ((double)part / whole).ToString("P1", CultureInfo.InvariantCulture);

    private async Task<(StageResult Result, ConnectorState? State, string Hash, IReadOnlyList<string> Streets)?> StageAsync(
        SourceDefinition source, DatasetSchema schema, ResolvedScope? scope, string runId, string runDirectory, string staging, RunTally tally,
        CurrentState current, IProgress<RunProgress>? progress, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var connector = _connectors.Get(source.ConnectorType);
        CheckOptions(source, connector.Spec);
        var config = new SourceConfig(source.Id, source.ConnectorOptions, source.BaseDirectory);
        var stream = await connector.DiscoverAsync(config, cancellationToken);
        tally.SourceNotes = stream.Notes;
        tally.SourceColumns = stream.Columns.Select(c => new ColumnInfo(c.Name, c.DeclaredType)).ToList();
        tally.Drift = SchemaDriftCheck.Compare(await PreviousColumnsAsync(source, schema, cancellationToken), stream.Columns);
        var communities = await StandardAddressSource.ForAsync(_catalog, schema, _options.DuckDbMemoryLimit, _options.DuckDbThreads, cancellationToken);
        var normalizer = RecordNormalizer.Bind(source, schema, stream.Columns, _catalog.Divisions, _hasher, communities);
        var previousHash = current.Mine?.ContentHash;
        // An incremental read is merged into this source's part of the current version. The state and
        // the version are committed together; without that part, the read starts over in full.
        var previousRows = current.Mine is { } mine && Path.Combine(current.Version!.Directory, mine.File) is var file && File.Exists(file)
            ? new[] { file } : null;
        var previous = previousRows is null ? null : await _catalog.Datasets.GetSourceStateAsync(source.Id, cancellationToken);
        ConnectorState? state = null;
        var incremental = false;
        using var hasher = new InputHasher(source.Text, schema.Version);
        var streets = new SortedSet<string>(StringComparer.Ordinal);
        tally.Stage = "校验入库";
        using var stage = new RunStage(schema, runDirectory, _options.DuckDbMemoryLimit, _options.DuckDbThreads);
        // A connector that hashes the bytes it parsed (a file) saves re-encoding every record: the
        // fingerprint is that hash, and the raw zone keeps the file itself.
        var byContent = connector.Spec.ReportsContent;
        SourceContent? content = null;
        using var raw = byContent ? null : new RawZoneWriter(_raw, source.Id, runId);
        // Batches are normalised and formatted on worker tasks a few batches ahead of the reader and
        // applied here strictly in read order: the staged files, fingerprint and counts are the same as
        // one thread would produce, with both cores busy.
        var pipeline = new BatchPipeline(new PreparedBatch.Context(normalizer, schema, scope, Raw: !byContent, Fingerprint: !byContent, stage.AcceptedFolder), cancellationToken);
        var timings = tally.Timings!;
        double applied = 0;
        timings.Mark(RunTimings.Read);
        try
        {
            await foreach (var batch in connector.ReadAsync(config, previous is null ? null : new ConnectorState(previous), cancellationToken))
            {
                if (batch.Content is not null) content = batch.Content;
                if (batch.State is not null)
                {
                    state = batch.State;
                    incremental = batch.IsDelta;
                }
                if (await pipeline.AddAsync(batch) is { } ready) await ApplyAsync(ready);
            }
            while (await pipeline.NextAsync() is { } ready) await ApplyAsync(ready);
        }
        catch
        {
            pipeline.Abandon();
            throw;
        }

        async Task ApplyAsync(PreparedBatch ready)
        {
            var t0 = timings.Start();
            if (ready.Fingerprint is { } fingerprint) hasher.Append(fingerprint.WrittenSpan);
            var t1 = timings.Start();
            if (raw is not null) raw.AddLines(ready.Columns, ready.RawLines!);
            var t2 = timings.Start();
            ApplyToStage(ready, stage, tally);
            var t3 = timings.Start();
            timings.Add(RunTimings.Fingerprint, _time.GetElapsedTime(t0, t1).TotalSeconds);
            timings.Add(RunTimings.RawZone, _time.GetElapsedTime(t1, t2).TotalSeconds);
            timings.Add(RunTimings.StagingWrite, _time.GetElapsedTime(t2, t3).TotalSeconds);
            applied += _time.GetElapsedTime(t0, t3).TotalSeconds;
            streets.UnionWith(ready.Streets);
            foreach (var w in ready.Warnings ?? []) tally.AddConnectorWarning(w);
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new RunProgress(RunProgress.Reading, tally.Read, _time.GetUtcNow() - started));
            await TestPausePoint.ReachedAsync("reading", cancellationToken);
        }
        timings.Stop();
        timings.Add(RunTimings.Read, -applied);
        await TestPausePoint.ReachedAsync("staging", cancellationToken);
        progress?.Report(new RunProgress(RunProgress.Writing, tally.Read, _time.GetUtcNow() - started));
        var rawStarted = timings.Start();
        if (raw is not null) tally.RawFile = raw.Finish();
        else if (content is not null)
        {
            tally.RawFile = _raw.KeepFile(source.Id, runId, content);
            stage.RecordIdIndex = Path.Combine(Path.GetDirectoryName(tally.RawFile)!, "record_ids.parquet");
            hasher.AppendContent(content.Sha256);
        }
        // A connector that promised the hash but did not deliver it: the input cannot be told unchanged, so it publishes.
        else hasher.AppendContent("unknown-" + Guid.NewGuid().ToString("N"));
        // Every read is kept in the raw zone, also an unchanged or held one: retention runs on each.
        _raw.Prune(source.Id, _options.RawRetention, _time.GetUtcNow());
        timings.AddSince(RunTimings.RawZone, rawStarted);
        var hash = hasher.Finish();
        if (incremental && previousRows is null)
            throw new DataHubException(FailureKind.System, "RUN_DELTA_WITHOUT_BASE", "连接器返回了增量数据，但没有可合并的上一版本", $"数据源 {source.Id}", "这是平台缺陷，请报告运维");
        tally.Incremental = incremental;
        if (!incremental && previousHash == hash) return null; // the same input as the current part: nothing new to publish
        if (tally.Read == 0 && (incremental || (connector.Spec.SupportsIncremental && previousHash is not null))) return null; // an empty delta
        if (tally.Read == 0)
            throw new DataHubException(FailureKind.Data, "SOURCE_NO_ROWS", "源数据只有表头，没有任何数据行；为免清空现有数据，本次不发布",
                $"数据源 {source.Id}", "确认部门导出时选择了正确的范围，再重新运行");

        tally.Stage = "去重写出";
        FileModes.CreateRestricted(staging);
        stage.Cancellation = cancellationToken;
        var result = stage.Finish(staging, LakeLayout.PartFileName(source.Id), runDirectory, incremental ? previousRows : null, timings);
        timings.Stop();
        tally.MoveToQuarantine(result.Conflicts, "KEY_CONFLICT");
        tally.Finish(result);
        tally.FieldIssues = stage.KeptFieldIssues();
        if (tally.Accepted == 0 && !incremental)
            throw new DataHubException(FailureKind.Data, "SOURCE_ALL_QUARANTINED", $"全部 {tally.Read} 行均未通过校验；为免清空现有数据，本次不发布",
                $"数据源 {source.Id}，隔离明细 {Path.Combine(runDirectory, "quarantine.parquet")}", "查看隔离原因：多半是映射的列不对或导出格式变了");
        if (result.VersionRows == 0)
            throw new DataHubException(FailureKind.Data, "SOURCE_WOULD_EMPTY", $"本次增量删除了全部 {result.Deleted} 行，新版本将为空；为免清空现有数据，本次不发布",
                $"数据源 {source.Id}", "与部门确认是否真的要删除全部数据；确认后请联系运维处理");
        if (tally.Read != tally.Accepted + tally.Quarantined + tally.Duplicates + tally.DeletionsRead)
            throw new DataHubException(FailureKind.System, "RUN_ACCOUNTING", "行数核对不平（读取 ≠ 接收 + 隔离 + 重复 + 删除记录），本次不发布", fix: "这是平台缺陷，请报告运维");
        return (result, state, hash, streets.ToArray());
    }

    /// <summary>The columns the last successful run of this source saw, from its run report (null if none).</summary>
    private async Task<IReadOnlyList<ColumnInfo>?> PreviousColumnsAsync(SourceDefinition source, DatasetSchema schema, CancellationToken cancellationToken)
    {
        var runs = await _catalog.Runs.RecentAsync(schema.Name, 50, cancellationToken);
        var last = runs.FirstOrDefault(r => r.SourceId == source.Id && r.Status == "succeeded" && r.ReportJson is not null);
        if (last is null) return null;
        try
        {
            return JsonSerializer.Deserialize<RunReport>(last.ReportJson!, RunReport.Json)?.SourceColumns;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Task SaveScopeAsync(SourceDefinition source, ResolvedScope scope, CancellationToken cancellationToken) =>
        _catalog.Datasets.SetScopeAsync(new SourceScope(source.Dataset, source.Id, source.FilePath, scope.Codes, scope.Declared), cancellationToken);

    /// <summary>An option the connector does not know is almost always a typo that would silently fall back to a default.</summary>
    private static void CheckOptions(SourceDefinition source, ConnectorSpec spec)
    {
        foreach (var name in source.ConnectorOptions.Keys.Where(k => spec.Options.All(o => o.Name != k)))
            throw new DataHubException(FailureKind.Config, "SOURCE_CONNECTOR_OPTION_UNKNOWN", $"连接器“{spec.Type}”没有选项“{name}”",
                $"{source.FilePath} 的 connector.{name}", $"可用选项：{string.Join("、", spec.Options.Select(o => $"{o.Name}（{o.Description}）"))}");
    }

    /// <summary>A prepared batch into the run's stage and tally: accepted rows (already in their staging file), field issues, quarantine, deletions, counts.</summary>
    private static void ApplyToStage(PreparedBatch ready, RunStage stage, RunTally tally)
    {
        tally.Add(ready.Counts);
        stage.AddAccepted(ready.Accepted);
        foreach (var r in ready.WithFieldIssues) stage.AddFieldIssues(r);
        foreach (var (record, original, kind) in ready.Quarantined) stage.AddQuarantined(record, original, kind);
        foreach (var (recordId, position) in ready.Deleted) stage.AddDeleted(recordId, position);
    }

    /// <summary>
    /// Registers the dataset's catalog entry. Its provider fields come from the dataset's declaration
    /// (<see cref="DatasetDeclaration"/>); without one, from the first source, and a later source of
    /// the same dataset does not overwrite them.
    /// </summary>
    private async Task RegisterAsync(SourceDefinition source, DatasetSchema schema, IReadOnlyList<SourceScope> scopes, CancellationToken cancellationToken)
    {
        DatasetMetadata meta;
        var where = $"{source.FilePath} 的 catalog";
        if (DatasetDeclaration.TryLoad(source.BaseDirectory, schema.Name) is { } declared)
        {
            meta = new DatasetMetadata(declared.Department.Code, declared.Department.Name, declared.Catalog.ResourceCode,
                declared.Catalog.ShareType, declared.Catalog.ShareCondition, declared.Catalog.UpdateCycle);
            where = DatasetDeclaration.PathFor(source.BaseDirectory, schema.Name);
        }
        else if (scopes.Any(s => s.SourceId != source.Id) && await _catalog.Datasets.GetAsync(schema.Name, cancellationToken) is { } existing)
            meta = existing.Metadata;
        else
            meta = new DatasetMetadata(source.Department.Code, source.Department.Name, source.Catalog.ResourceCode,
                source.Catalog.ShareType, source.Catalog.ShareCondition, source.Catalog.UpdateCycle);
        try
        {
            await _catalog.Datasets.RegisterAsync(schema, SchemaLoader.RawText(schema.Name), meta, cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new DataHubException(FailureKind.Config, "SOURCE_CATALOG_TERMS", e.Message.Split(" (Parameter")[0], where, "按政务信息资源目录的取值填写");
        }
    }

    private FileStream AcquireLock(DatasetSchema schema) => AcquireLock(schema.Name, schema.Title);

    private FileStream AcquireLock(string dataset, string title)
    {
        Directory.CreateDirectory(_lake.DatasetDirectory(dataset));
        try
        {
            return new FileStream(_lake.LockFile(dataset), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new DataHubException(FailureKind.Transient, "DATASET_BUSY", $"数据集“{title}”正由另一次运行写入", dataset, "等那次运行结束后再试", e);
        }
    }

    private static string KindName(FailureKind kind) => kind switch
    {
        FailureKind.Config => RunFailureKinds.Config,
        FailureKind.Data => RunFailureKinds.Data,
        FailureKind.Transient => RunFailureKinds.Transient,
        _ => RunFailureKinds.System,
    };

    private string NewRunId() =>
        _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}
