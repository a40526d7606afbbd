using Hangfire;

namespace DataHub.Host.Jobs;

/// <summary>
/// At start-up, makes every declared source a recurring job (cron per <see cref="UpdateCycleSchedule"/>)
/// and removes the recurring jobs of sources no longer declared. Several nodes doing this at once
/// is harmless: Hangfire's AddOrUpdate is idempotent under its own lock.
/// </summary>
internal sealed class RecurringSourceJobs(SourceDirectory sources, IRecurringJobManager manager, JobStorage storage, JobsOptions options, ILogger<RecurringSourceJobs> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (declared, errors) = sources.LoadAll();
        foreach (var e in errors) JobsLog.NotScheduled(logger, e.Code, e.Where);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        foreach (var source in declared)
        {
            var cron = UpdateCycleSchedule.CronFor(source, options);
            var id = source.Id;
            try
            {
                manager.AddOrUpdate<IngestionJob>(IngestionJob.RecurringId(id), j => j.RunAsync(id, CancellationToken.None), cron, new RecurringJobOptions { TimeZone = zone });
                JobsLog.Scheduled(logger, id, cron, zone.Id);
            }
            catch (ArgumentException)
            {
                var error = UpdateCycleSchedule.Invalid(source, cron, options);
                JobsLog.NotScheduled(logger, error.Code, error.Where);
            }
        }
        var keep = declared.Select(s => IngestionJob.RecurringId(s.Id)).ToHashSet(StringComparer.Ordinal);
        using var connection = storage.GetConnection();
        foreach (var job in Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection))
        {
            if (job.Id.StartsWith("source:", StringComparison.Ordinal) && !keep.Contains(job.Id))
            {
                manager.RemoveIfExists(job.Id);
                JobsLog.Unscheduled(logger, job.Id["source:".Length..]);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
