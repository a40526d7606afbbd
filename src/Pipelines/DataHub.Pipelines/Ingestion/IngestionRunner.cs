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
    private readonly RawZone _raw;
    private readonly ILogger _logger;

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
        _raw = new RawZone(options.ResolvedRawRoot);
    }

    public LakeLayout Lake => _lake;

    public RawZone Raw => _raw;

    /// <summary>
    /// Runs the source defined in <paramref name="sourceFile"/>. A definition that cannot be loaded
    /// throws <see cref="DataHubException"/> (nothing was started); every later failure is returned
    /// as a failed report.
    /// </summary>
    public async Task<RunReport> RunAsync(string sourceFile, CancellationToken cancellationToken)
    {
        var source = SourceDefinitionLoader.Load(sourceFile);
        var schema = SchemaLoader.Get(source.Dataset);
        await RegisterAsync(source, schema, cancellationToken);

        Directory.CreateDirectory(_lake.DatasetDirectory(schema.Name));
        using var datasetLock = AcquireLock(schema);
        var runId = NewRunId();
        var started = _time.GetUtcNow();
        await _catalog.Runs.StartAsync(runId, source.Id, schema.Name, cancellationToken);
        var retried = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            var tally = new RunTally { Attempts = attempt, RetriedFailures = retried };
            var staging = _lake.StagingDirectory(schema.Name, runId);
            string? moved = null;
            try
            {
                var (version, files, state) = await IngestAsync(source, schema, runId, staging, tally, cancellationToken);
                moved = _lake.VersionDirectory(schema.Name, version);
                Directory.Move(staging, moved);
                var report = tally.Report(runId, source, "succeeded", started, _time.GetUtcNow(), version, _lake.RunDirectory(runId));
                // CHECKPOINT: the files are in place; one catalog transaction makes them current.
                await _catalog.Datasets.PublishAsync(new PublishRequest(runId, schema.Name, version, moved, files, tally.Stage!.VersionRows,
                    schema.Version, tally.Counts, report.ToJson(), source.Id, state?.Json), cancellationToken);
                moved = null;
                await RetireOldVersionsAsync(schema.Name, cancellationToken);
                _raw.Prune(source.Id, _options.RawRetention, _time.GetUtcNow());
                return report;
            }
            catch (DataHubException e) when (e.IsTransient && e.Code != "DATASET_BUSY" && attempt < _options.MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                // A source that is briefly unreachable or busy: the whole read is repeated (nothing of
                // the failed attempt is kept), after a wait that doubles each time.
                retried.Add(e.Code);
                _logger.LogWarning("Run {RunId} of source {SourceId}: attempt {Attempt} failed transiently ({Code}); retrying", runId, source.Id, attempt, e.Code);
                var delay = _options.RetryDelay * Math.Pow(2, attempt - 1);
                if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, cancellationToken);
            }
            catch (Exception e)
            {
                var failure = e switch
                {
                    DataHubException d => d,
                    OperationCanceledException => new DataHubException(FailureKind.Transient, "RUN_CANCELLED", "运行已取消", fix: "重新运行该数据源"),
                    // A defect of ours: the engineer's message goes to the log only (it may quote a value).
                    _ => new DataHubException(FailureKind.System, "RUN_INTERNAL", $"平台内部错误（{e.GetType().Name}），本次未发布", fix: "请把运行编号告知运维；详情见服务日志"),
                };
                if (failure.Kind == FailureKind.System) _logger.LogError(e, "Run {RunId} of source {SourceId} failed with an internal error", runId, source.Id);
                else _logger.LogWarning("Run {RunId} of source {SourceId} failed: {Code}", runId, source.Id, failure.Code);
                var report = tally.Report(runId, source, "failed", started, _time.GetUtcNow(), null, _lake.RunDirectory(runId)) with
                {
                    ErrorCode = failure.Code, Error = failure.UserMessage, ErrorWhere = failure.Where, ErrorFix = failure.Fix,
                };
                await _catalog.Runs.FailAsync(runId, tally.Counts, report.ToJson(), failure.Code, failure.UserMessage, CancellationToken.None);
                if (e is OperationCanceledException) throw;
                return report;
            }
            finally
            {
                DeleteDirectory(staging);
                if (moved is not null) DeleteDirectory(moved); // moved but never published: not a version
            }
        }
    }

    private async Task<(long Version, IReadOnlyList<string> Files, ConnectorState? State)> IngestAsync(
        SourceDefinition source, DatasetSchema schema, string runId, string staging, RunTally tally, CancellationToken cancellationToken)
    {
        var connector = _connectors.Get(source.ConnectorType);
        CheckOptions(source, connector.Spec);
        var config = new SourceConfig(source.Id, source.ConnectorOptions, source.BaseDirectory);
        var stream = await connector.DiscoverAsync(config, cancellationToken);
        tally.SourceNotes = stream.Notes;
        tally.SourceColumns = stream.Columns.Select(c => new ColumnInfo(c.Name, c.DeclaredType)).ToList();
        tally.Drift = SchemaDriftCheck.Compare(await PreviousColumnsAsync(source, schema, cancellationToken), stream.Columns);
        var normalizer = RecordNormalizer.Bind(source, schema, stream.Columns, _catalog.Divisions, _hasher);
        var previousRows = await PreviousRowsOfSourceAsync(schema, source, cancellationToken);
        // The state and the version are committed together; without the rows a delta would be
        // merged into, the read starts over in full.
        var previous = previousRows is null ? null : await _catalog.Datasets.GetSourceStateAsync(source.Id, cancellationToken);
        ConnectorState? state = null;
        var incremental = false;
        var runDirectory = _lake.RunDirectory(runId);
        using var stage = new RunStage(schema, runDirectory, _options.DuckDbMemoryLimit, _options.DuckDbThreads);
        using var raw = new RawZoneWriter(_raw, source.Id, runId);
        await foreach (var batch in connector.ReadAsync(config, previous is null ? null : new ConnectorState(previous), cancellationToken))
        {
            foreach (var record in batch.Records)
            {
                if (record.IsDeletion)
                {
                    var (recordId, problems) = normalizer.RecordIdOf(record);
                    raw.Add(batch.Columns, record, recordId);
                    if (recordId is null)
                    {
                        var rejected = new NormalizedRecord(record.Position, null, problems, []);
                        tally.Count(rejected);
                        stage.AddQuarantined(rejected, Original(batch.Columns, record));
                    }
                    else
                    {
                        tally.CountDeletion();
                        stage.AddDeleted(recordId, record.Position);
                    }
                    continue;
                }
                var normalized = normalizer.Normalize(record);
                raw.Add(batch.Columns, record, normalized.Row?[schema.KeyField]);
                tally.Count(normalized);
                if (normalized.Accepted) stage.AddAccepted(normalized);
                else stage.AddQuarantined(normalized, Original(batch.Columns, record));
            }
            if (batch.State is not null)
            {
                state = batch.State;
                incremental = batch.IsDelta;
            }
            cancellationToken.ThrowIfCancellationRequested();
        }
        tally.RawFile = raw.Finish();
        if (incremental && previousRows is null)
            throw new DataHubException(FailureKind.System, "RUN_DELTA_WITHOUT_BASE", "连接器返回了增量数据，但没有可合并的上一版本", $"数据源 {source.Id}", "这是平台缺陷，请报告运维");
        tally.Incremental = incremental;
        if (tally.Read == 0 && !incremental)
            throw new DataHubException(FailureKind.Data, "SOURCE_NO_ROWS", "源数据只有表头，没有任何数据行；为免清空现有数据，本次不发布",
                $"数据源 {source.Id}", "确认部门导出时选择了正确的范围，再重新运行");

        var result = stage.Finish(staging, runDirectory, incremental ? previousRows : null);
        tally.Finish(result);
        if (tally.Accepted == 0 && !incremental)
            throw new DataHubException(FailureKind.Data, "SOURCE_ALL_QUARANTINED", $"全部 {tally.Read} 行均未通过校验；为免清空现有数据，本次不发布",
                $"数据源 {source.Id}，隔离明细 {Path.Combine(runDirectory, "quarantine.parquet")}", "查看隔离原因：多半是映射的列不对或导出格式变了");
        if (result.VersionRows == 0)
            throw new DataHubException(FailureKind.Data, "SOURCE_WOULD_EMPTY", $"本次增量删除了全部 {result.Deleted} 行，新版本将为空；为免清空现有数据，本次不发布",
                $"数据源 {source.Id}", "与部门确认是否真的要删除全部数据；确认后请联系运维处理");
        if (tally.Read != tally.Accepted + tally.Quarantined + tally.Duplicates + tally.DeletionsRead)
            throw new DataHubException(FailureKind.System, "RUN_ACCOUNTING", "行数核对不平（读取 ≠ 接收 + 隔离 + 重复 + 删除记录），本次不发布", fix: "这是平台缺陷，请报告运维");
        var version = Math.Max(await _catalog.Datasets.MaxVersionAsync(schema.Name, cancellationToken), _lake.VersionsOnDisk(schema.Name).DefaultIfEmpty().Max()) + 1;
        return (version, result.Files, state);
    }

    /// <summary>
    /// The Parquet files holding the previous rows of this source, which an incremental read is
    /// merged into; null when there are none (the read is then a full one).
    /// </summary>
    /// <remarks>
    /// RE-POINT WHEN SOURCES SHARE A DATASET: today a dataset has one source, so the previous rows
    /// of the source are the dataset's current version. When a dataset is fed by several sources
    /// (each its own part of the version), this must return this source's part only, and the
    /// merged result becomes that part again.
    /// </remarks>
    private async Task<IReadOnlyList<string>?> PreviousRowsOfSourceAsync(DatasetSchema schema, SourceDefinition source, CancellationToken cancellationToken)
    {
        _ = source; // the source's part, once a dataset has several (see remarks)
        var entry = await _catalog.Datasets.GetAsync(schema.Name, cancellationToken);
        if (entry?.CurrentVersion is not { } current) return null;
        var version = await _catalog.Datasets.GetVersionAsync(schema.Name, current, cancellationToken);
        if (version is null) return null;
        var files = version.Files.Select(f => Path.Combine(version.Directory, f)).ToList();
        return files.Count > 0 && files.All(File.Exists) ? files : null;
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
            DeleteDirectory(old.Directory);
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

    private string NewRunId() =>
        _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }
}
