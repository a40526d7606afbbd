using System.Globalization;
using System.Text.Json;
using DataHub.Catalog.Datasets;
using DataHub.Catalog.Runs;
using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Pipelines.Derived;
using DataHub.Pipelines.Lake;
using Microsoft.Extensions.Logging;

namespace DataHub.Pipelines.Ingestion;

/// <summary>The steward's operations on published data: approve or reject a held run, roll back, retention.</summary>
public sealed partial class IngestionRunner
{
    /// <summary>
    /// Publishes a held run as it was staged. Refused when the dataset has moved on since the hold
    /// (its carried parts would be stale): reject it and run the source again.
    /// </summary>
    public async Task<RunReport> ApproveAsync(string runId, string actor, CancellationToken cancellationToken)
    {
        var held = await _catalog.Datasets.GetHeldAsync(runId, cancellationToken) ?? throw NotHeld(runId);
        var schema = SchemaLoader.Get(held.Dataset);
        using var datasetLock = AcquireLock(schema);
        var entry = await _catalog.Datasets.GetAsync(held.Dataset, cancellationToken);
        if (entry?.CurrentVersion != held.BaseVersion)
            throw new DataHubException(FailureKind.Data, "HELD_RUN_STALE",
                $"运行 {runId} 暂停之后，数据集“{schema.Title}”的当前版本已变为 v{entry?.CurrentVersion}（暂停时为 v{held.BaseVersion}），该结果已过时，不能再发布",
                runId, $"先 datahub runs reject {runId}，再重新运行数据源 {held.SourceId}");
        var request = JsonSerializer.Deserialize<PublishRequest>(held.RequestJson) ?? throw NotHeld(runId);
        var version = await LakeVersions.NextAsync(_catalog, _lake, held.Dataset, cancellationToken);
        var directory = _lake.VersionDirectory(held.Dataset, version);
        Directory.Move(held.Directory, directory);
        var report = (RunReport.FromJson(request.ReportJson) ?? throw NotHeld(runId)) with { Status = RunStatus.Succeeded, Version = version, Stage = null };
        try
        {
            await _catalog.Datasets.PublishAsync(request with
            {
                Version = version, Directory = directory, Files = PartFiles(directory), ReportJson = report.ToJson(), Actor = actor,
            }, cancellationToken);
        }
        catch
        {
            Directory.Move(directory, held.Directory); // still held: the files go back where the hold expects them
            throw;
        }
        if (report.ReprocessOf is { } replaced) DeleteReplacedQuarantine(QuarantineFile.In(_lake.RunDirectory(replaced)));
        await ApplyRetentionAsync(held.Dataset, cancellationToken);
        await PublishQualityAsync(held.Dataset, runId, cancellationToken);
        await RebuildDerivedAsync(held.Dataset, runId, cancellationToken);
        return report;
    }

    /// <summary>Discards a held run: nothing is published, its staged files are deleted, the run is marked rejected (audited).</summary>
    public async Task RejectAsync(string runId, string actor, CancellationToken cancellationToken)
    {
        var held = await _catalog.Datasets.GetHeldAsync(runId, cancellationToken) ?? throw NotHeld(runId);
        await _catalog.Datasets.RejectHeldAsync(runId, actor, cancellationToken);
        DeleteDirectory(held.Directory);
    }

    /// <summary>Makes an earlier retained version current again (one catalog transaction, audited).</summary>
    public async Task RollbackAsync(string dataset, long version, string actor, CancellationToken cancellationToken)
    {
        var schema = SchemaLoader.All.TryGetValue(dataset, out var s) ? s
            : throw new DataHubException(FailureKind.Config, "DATASET_UNKNOWN", $"没有数据集“{dataset}”", dataset, $"可用数据集：{string.Join("、", SchemaLoader.All.Keys)}");
        using var datasetLock = AcquireLock(schema);
        if (!await _catalog.Datasets.RollbackAsync(dataset, version, actor, cancellationToken))
            throw new DataHubException(FailureKind.Data, "VERSION_NOT_RETAINED", $"数据集“{schema.Title}”没有保留版本 v{version.ToString(CultureInfo.InvariantCulture)}",
                dataset, $"用 datahub versions {dataset} 查看可回退的版本");
        datasetLock.Dispose();
        await RebuildDerivedFromCurrentAsync(dataset, cancellationToken);
    }

    /// <summary>
    /// Rebuilds the derived datasets from the current versions, outside any run (a rollback,
    /// <c>datahub derive</c>). A derived version names the run it came from, which must be a recorded
    /// run: it is the run that produced <paramref name="dataset"/>'s current version. Null when the
    /// dataset has no current version or the rebuild failed (logged).
    /// </summary>
    public async Task<DerivedRebuild?> RebuildDerivedFromCurrentAsync(string dataset, CancellationToken cancellationToken)
    {
        var current = (await _catalog.Datasets.CurrentVersionsAsync(cancellationToken)).FirstOrDefault(v => v.Dataset == dataset);
        return current is null ? null : await RebuildDerivedAsync(dataset, current.RunId, cancellationToken);
    }

    /// <summary>
    /// Rebuilds the derived datasets after <paramref name="dataset"/> changed (publish, approve,
    /// rollback). Like the quality figures, a failure does not undo the publish it follows: logged,
    /// and the derived datasets keep their previous versions until the next rebuild.
    /// </summary>
    public Task<DerivedRebuild?> RebuildDerivedAsync(string dataset, string runId, CancellationToken cancellationToken) =>
        RebuildDerivedAsync(dataset, runId, null, cancellationToken);

    internal async Task<DerivedRebuild?> RebuildDerivedAsync(string dataset, string runId, RunTimings? timings, CancellationToken cancellationToken)
    {
        if (!DerivedDatasets.IsInput(dataset)) return null;
        try
        {
            // One rebuild at a time (any node): a second waits, then sees the newest inputs.
            using var derivedLock = await WaitForLockAsync("_derived", "派生数据集", cancellationToken);
            var rebuild = await new DerivedDatasets(_catalog, _lake, _time, _options.DuckDbMemoryLimit, _options.DuckDbThreads).RebuildAsync(runId, cancellationToken, timings is null ? null : timings.Add);
            foreach (var name in rebuild.Published.Keys.Append("lineage")) await ApplyRetentionAsync(name, cancellationToken);
            return rebuild;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Rebuilding the derived datasets after run {RunId} failed; their previous versions stay served", runId);
            return null;
        }
    }

    private async Task<FileStream> WaitForLockAsync(string name, string title, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return AcquireLock(name, title);
            }
            catch (DataHubException e) when (e.Code == "DATASET_BUSY" && attempt < 600)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Retention: retires versions beyond the count or the age (never the current one, never one
    /// younger than a day), deletes their folders, and deletes run folders (quarantine, field issues:
    /// personal data) older than <see cref="IngestionOptions.RunFilesMaxAge"/>.
    /// </summary>
    public async Task<IReadOnlyList<DatasetVersion>> ApplyRetentionAsync(string dataset, CancellationToken cancellationToken)
    {
        var retired = await _catalog.Datasets.ApplyRetentionAsync(dataset, _options.KeepVersions, _options.MaxVersionAge, _options.MinVersionAge, cancellationToken);
        foreach (var old in retired) DeleteDirectory(old.Directory);
        var runs = Path.Combine(_lake.Root, "_runs");
        if (Directory.Exists(runs))
        {
            var cutoff = _time.GetUtcNow() - _options.RunFilesMaxAge;
            foreach (var dir in Directory.EnumerateDirectories(runs))
            {
                var name = Path.GetFileName(dir);
                if (name.Length >= 15 && DateTime.TryParseExact(name[..15], "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) && at < cutoff.UtcDateTime)
                    DeleteDirectory(dir);
            }
        }
        return retired;
    }

    /// <summary>
    /// Republishes the quality dataset after a publish. Its failure does not undo the publish it
    /// follows (the figures are in the catalog; the next publish serves them): logged, not thrown.
    /// </summary>
    private async Task PublishQualityAsync(string dataset, string runId, CancellationToken cancellationToken)
    {
        if (dataset == QualityDataset.Name) return;
        try
        {
            using var qualityLock = AcquireLock(QualityDataset.Name, "数据质量");
            await QualityDataset.PublishAsync(_catalog, _lake, _hasher, runId, cancellationToken);
            await ApplyRetentionAsync(QualityDataset.Name, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            RunnerLog.QualityNotPublished(_logger, e, runId);
        }
    }

    private static DataHubException NotHeld(string runId) =>
        new(FailureKind.Config, "RUN_NOT_HELD", $"运行 {runId} 不是等待审核的暂停运行", runId, "用 datahub runs list 查看暂停（held）的运行编号");
}
