using System.Globalization;
using System.Security.Cryptography;
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
/// Runs one declared source once: read, normalise, quarantine, de-duplicate, write a new Parquet
/// version and publish it. A run that fails for any reason publishes nothing and the previous
/// version stays current; the failure is recorded in the run history with its zh-CN message.
/// </summary>
public sealed class IngestionRunner
{
    private readonly DataHubCatalog _catalog;
    private readonly ConnectorRegistry _connectors;
    private readonly IngestionOptions _options;
    private readonly TimeProvider _time;
    private readonly LakeLayout _lake;
    private readonly RecordIdHasher _hasher;
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
    }

    public LakeLayout Lake => _lake;

    /// <summary>
    /// Runs the source defined in <paramref name="sourceFile"/>. A definition that cannot be loaded
    /// throws <see cref="DataHubException"/> (nothing was started); every later failure is returned
    /// as a failed report.
    /// </summary>
    public Task<RunReport> RunAsync(string sourceFile, CancellationToken cancellationToken) => RunAsync(sourceFile, null, cancellationToken);

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

    /// <inheritdoc cref="RunAsync(string, CancellationToken)"/>
    /// <param name="progress">Told the stage and rows read after every batch (a terminal shows it; null for none).</param>
    public async Task<RunReport> RunAsync(string sourceFile, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var source = SourceDefinitionLoader.Load(sourceFile);
        var schema = SchemaLoader.Get(source.Dataset);
        await RegisterAsync(source, schema, cancellationToken);

        Directory.CreateDirectory(_lake.DatasetDirectory(schema.Name));
        using var datasetLock = AcquireLock(schema);
        // Holding the lock proves no other run of this dataset is alive: clear what dead ones left.
        var cleaned = new List<string>();
        await _recovery.CleanDatasetAsync(schema.Name, cleaned, [], cancellationToken);
        foreach (var run in cleaned) RunnerLog.RunInterrupted(_logger, run);
        var runId = NewRunId();
        var started = _time.GetUtcNow();
        await _catalog.Runs.StartAsync(runId, source.Id, schema.Name, cancellationToken);
        RunnerLog.RunStarted(_logger, runId, source.Id);
        var tally = new RunTally();
        var staging = _lake.StagingDirectory(schema.Name, runId);
        string? moved = null;
        try
        {
            var (version, files, state) = await IngestAsync(source, schema, runId, staging, tally, progress, started, cancellationToken);
            await TestPausePoint.ReachedAsync("parquet", cancellationToken);
            progress?.Report(new RunProgress(RunProgress.Publishing, tally.Read, _time.GetUtcNow() - started));
            moved = _lake.VersionDirectory(schema.Name, version);
            Directory.Move(staging, moved);
            await TestPausePoint.ReachedAsync("publish", cancellationToken);
            var report = tally.Report(runId, source, "succeeded", started, _time.GetUtcNow(), version, _lake.RunDirectory(runId));
            // CHECKPOINT: the files are in place; one catalog transaction makes them current.
            await _catalog.Datasets.PublishAsync(new PublishRequest(runId, schema.Name, version, moved, files, tally.Accepted,
                schema.Version, tally.Counts, report.ToJson(), source.Id, state?.Json), cancellationToken);
            moved = null;
            RunnerLog.RunSucceeded(_logger, runId, source.Id, version, tally.Read, tally.Accepted, tally.Quarantined, tally.Duplicates);
            await RetireOldVersionsAsync(schema.Name, cancellationToken);
            return report;
        }
        catch (Exception e)
        {
            // Free the disk before anything else: a full disk must not stay full, and the failure must
            // still be recordable (the scratch of this run is usually what filled it).
            LakeRecovery.Delete(staging, null);
            if (moved is not null) LakeRecovery.Delete(moved, null);
            moved = null;
            LakeRecovery.DeleteScratch(_lake.RunDirectory(runId), null);
            var failure = e switch
            {
                DataHubException d => d,
                OperationCanceledException => new DataHubException(FailureKind.Transient, "RUN_CANCELLED", "运行已取消", fix: "重新运行该数据源"),
                _ when DiskFull.Is(e) => DiskFull.Failure(_lake.Root, e),
                // A defect of ours: the engineer's message goes to the log only (it may quote a value).
                _ => new DataHubException(FailureKind.System, "RUN_INTERNAL", $"平台内部错误（{e.GetType().Name}），本次未发布", fix: "请把运行编号告知运维；详情见服务日志"),
            };
            if (failure.Kind == FailureKind.System) RunnerLog.RunFailedInternal(_logger, e, runId, source.Id, failure.Code);
            else RunnerLog.RunFailed(_logger, runId, source.Id, failure.Code, failure.Kind);
            var kind = KindName(failure.Kind);
            var report = tally.Report(runId, source, "failed", started, _time.GetUtcNow(), null, _lake.RunDirectory(runId)) with
            {
                ErrorCode = failure.Code, Error = failure.UserMessage, ErrorWhere = failure.Where, ErrorFix = failure.Fix, FailureKind = kind,
            };
            try
            {
                await _catalog.Runs.FailAsync(runId, tally.Counts, report.ToJson(), failure.Code, failure.UserMessage, kind, CancellationToken.None);
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
            LakeRecovery.Delete(staging, null);
            if (moved is not null) LakeRecovery.Delete(moved, null); // moved but never published: not a version
        }
    }

    private async Task<(long Version, IReadOnlyList<string> Files, ConnectorState? State)> IngestAsync(
        SourceDefinition source, DatasetSchema schema, string runId, string staging, RunTally tally,
        IProgress<RunProgress>? progress, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var connector = _connectors.Get(source.ConnectorType);
        CheckOptions(source, connector.Spec);
        var config = new SourceConfig(source.Id, source.ConnectorOptions, source.BaseDirectory);
        var stream = await connector.DiscoverAsync(config, cancellationToken);
        var normalizer = RecordNormalizer.Bind(source, schema, stream.Columns, _catalog.Divisions, _hasher);
        var previous = await _catalog.Datasets.GetSourceStateAsync(source.Id, cancellationToken);
        ConnectorState? state = null;
        var runDirectory = _lake.RunDirectory(runId);
        using var stage = new RunStage(schema, runDirectory, _options.DuckDbMemoryLimit, _options.DuckDbThreads);
        await foreach (var batch in connector.ReadAsync(config, previous is null ? null : new ConnectorState(previous), cancellationToken))
        {
            foreach (var record in batch.Records)
            {
                var result = normalizer.Normalize(record);
                tally.Count(result);
                if (result.Accepted) stage.AddAccepted(result);
                else stage.AddQuarantined(result, Original(batch.Columns, record));
            }
            state = batch.State ?? state;
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new RunProgress(RunProgress.Reading, tally.Read, _time.GetUtcNow() - started));
            await TestPausePoint.ReachedAsync("reading", cancellationToken);
        }
        await TestPausePoint.ReachedAsync("staging", cancellationToken);
        progress?.Report(new RunProgress(RunProgress.Writing, tally.Read, _time.GetUtcNow() - started));
        if (tally.Read == 0)
            throw new DataHubException(FailureKind.Data, "SOURCE_NO_ROWS", "源数据只有表头，没有任何数据行；为免清空现有数据，本次不发布",
                $"数据源 {source.Id}", "确认部门导出时选择了正确的范围，再重新运行");

        var (rows, duplicates, files) = stage.Finish(staging, runDirectory, cancellationToken);
        tally.Finish(rows, duplicates);
        if (tally.Accepted == 0)
            throw new DataHubException(FailureKind.Data, "SOURCE_ALL_QUARANTINED", $"全部 {tally.Read} 行均未通过校验；为免清空现有数据，本次不发布",
                $"数据源 {source.Id}，隔离明细 {Path.Combine(runDirectory, "quarantine.parquet")}", "查看隔离原因：多半是映射的列不对或导出格式变了");
        if (tally.Read != tally.Accepted + tally.Quarantined + tally.Duplicates)
            throw new DataHubException(FailureKind.System, "RUN_ACCOUNTING", "行数核对不平（读取 ≠ 接收 + 隔离 + 重复），本次不发布", fix: "这是平台缺陷，请报告运维");
        var version = Math.Max(await _catalog.Datasets.MaxVersionAsync(schema.Name, cancellationToken), _lake.VersionsOnDisk(schema.Name).DefaultIfEmpty().Max()) + 1;
        return (version, files, state);
    }

    /// <summary>An option the connector does not know is almost always a typo that would silently fall back to a default.</summary>
    private static void CheckOptions(SourceDefinition source, ConnectorSpec spec)
    {
        foreach (var name in source.ConnectorOptions.Keys.Where(k => spec.Options.All(o => o.Name != k)))
            throw new DataHubException(FailureKind.Config, "SOURCE_CONNECTOR_OPTION_UNKNOWN", $"连接器“{spec.Type}”没有选项“{name}”",
                $"{source.FilePath} 的 connector.{name}", $"可用选项：{string.Join("、", spec.Options.Select(o => $"{o.Name}（{o.Description}）"))}");
    }

    private static Dictionary<string, string?> Original(IReadOnlyList<SourceColumn> columns, SourceRecord record)
    {
        var original = new Dictionary<string, string?>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count && i < record.Values.Length; i++)
            original[columns[i].Name] = record.Values[i] is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;
        return original;
    }

    private Task RegisterAsync(SourceDefinition source, DatasetSchema schema, CancellationToken cancellationToken)
    {
        var meta = new DatasetMetadata(source.Department.Code, source.Department.Name, source.Catalog.ResourceCode,
            source.Catalog.ShareType, source.Catalog.ShareCondition, source.Catalog.UpdateCycle);
        try
        {
            return _catalog.Datasets.RegisterAsync(schema, SchemaLoader.RawText(schema.Name), meta, cancellationToken);
        }
        catch (ArgumentException e)
        {
            throw new DataHubException(FailureKind.Config, "SOURCE_CATALOG_TERMS", e.Message.Split(" (Parameter")[0], $"{source.FilePath} 的 catalog", "按政务信息资源目录的取值填写");
        }
    }

    private async Task RetireOldVersionsAsync(string dataset, CancellationToken cancellationToken)
    {
        foreach (var old in await _catalog.Datasets.RetireOldVersionsAsync(dataset, _options.KeepVersions, cancellationToken))
            LakeRecovery.Delete(old.Directory, null);
    }

    private FileStream AcquireLock(DatasetSchema schema)
    {
        try
        {
            return new FileStream(_lake.LockFile(schema.Name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new DataHubException(FailureKind.Transient, "DATASET_BUSY", $"数据集“{schema.Title}”正由另一次运行写入", schema.Name, "等那次运行结束后再试", e);
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
}
