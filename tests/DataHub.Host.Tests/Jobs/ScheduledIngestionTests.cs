using System.Net;
using DataHub.Catalog.Runs;
using DataHub.Core.Access;
using DataHub.Host.Jobs;
using DataHub.Pipelines.Lake;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Xunit;

namespace DataHub.Host.Tests.Jobs;

/// <summary>
/// Scheduled ingestion in a real host: the declared source becomes a recurring job with the cron
/// of its update cycle, firing it runs the ingestion, runs of one dataset queue behind each other,
/// only transient failures are retried, and the dashboard admits stewards (full) and operators
/// (read-only) only.
/// </summary>
[Collection("hangfire")]
public sealed class ScheduledIngestionTests
{
    [Fact]
    public async Task DeclaredSource_IsRecurringJobWithUpdateCycleCron_FiringItRunsTheIngestion()
    {
        await using var server = await JobsServer.StartAsync();
        using (var connection = server.Storage.GetConnection())
        {
            var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == IngestionJob.RecurringId("gongan-population"));
            Assert.Equal("0 2 * * *", job.Cron); // 每日 → 02:00 Beijing time
            Assert.Equal("Asia/Shanghai", job.TimeZoneId);
        }

        server.Recurring.Trigger(IngestionJob.RecurringId("gongan-population"));

        var run = Assert.Single(await server.WaitForFinishedRunsAsync(1, TimeSpan.FromMinutes(2)));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Version);
        Assert.Equal(1, Assert.Single(await server.Engine.Catalog.Datasets.CurrentVersionsAsync(default), v => v.Dataset == "population").Version);
    }

    [Fact]
    public async Task TwoRunsOfOneDataset_RequestedTogether_BothRunOneAfterTheOther()
    {
        await using var server = await JobsServer.StartAsync();
        server.Client.Enqueue<IngestionJob>(j => j.RunAsync("gongan-population", CancellationToken.None));
        server.Client.Enqueue<IngestionJob>(j => j.RunAsync("gongan-population", CancellationToken.None));

        // Neither request is lost: both run, in turn. The second reads the same export, so it finds
        // nothing new to publish (unchanged) rather than a second version.
        var runs = await server.WaitForFinishedRunsAsync(2, TimeSpan.FromMinutes(2));
        Assert.Equal(2, runs.Count);
        Assert.Single(runs, r => r.Status == RunStatus.Succeeded && r.Version == 1);
        Assert.Single(runs, r => r.Status == RunStatus.Unchanged);
    }

    [Fact]
    public async Task ConfigFailure_IsNotRetried_TransientFailure_IsRetried()
    {
        await using var server = await JobsServer.StartAsync();

        // A definition naming a column the export lacks: a config failure, failed at once.
        var bad = Path.Combine(Path.GetDirectoryName(server.SourceFile)!, "bad.yaml");
        await File.WriteAllTextAsync(bad, (await File.ReadAllTextAsync(server.SourceFile))
            .Replace("id: gongan-population", "id: bad-source", StringComparison.Ordinal)
            .Replace("from: 姓名", "from: 不存在的列", StringComparison.Ordinal));
        var configJob = server.Client.Enqueue<IngestionJob>(j => j.RunAsync("bad-source", CancellationToken.None));
        Assert.Equal(FailedState.StateName, await WaitForStateAsync(server, configJob, FailedState.StateName, ScheduledState.StateName));
        Assert.Null(server.Storage.GetConnection().GetJobParameter(configJob, "RetryCount"));

        // Another writer holds the dataset's lock: DATASET_BUSY is transient, so the job is rescheduled.
        using (var held = new FileStream(new LakeLayout(server.Engine.Data.LakeRoot).LockFile("population"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var busyJob = server.Client.Enqueue<IngestionJob>(j => j.RunAsync("gongan-population", CancellationToken.None));
            Assert.Equal(ScheduledState.StateName, await WaitForStateAsync(server, busyJob, FailedState.StateName, ScheduledState.StateName));
            Assert.Equal("1", server.Storage.GetConnection().GetJobParameter(busyJob, "RetryCount"));
        }
        var runs = await server.Engine.Catalog.Runs.RecentAsync(null, 10, default);
        Assert.Contains(runs, r => r.ErrorCode == "MAPPING_COLUMN_MISSING" || r.FailureKind == RunFailureKinds.Config);
    }

    [Fact]
    public async Task Dashboard_RefusesAnonymousAndCommunityWorker_OperatorReadsOnly_StewardManages()
    {
        await using var server = await JobsServer.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = server.BaseUri };
        using var community = await server.ClientForAsync(Role.CommunityWorker, "320113002001");
        using var operatorClient = await server.ClientForAsync(Role.Operator);
        using var steward = await server.ClientForAsync(Role.Steward);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("hangfire/recurring")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await community.GetAsync("hangfire/recurring")).StatusCode);

        var operatorPage = await operatorClient.GetAsync("hangfire/recurring");
        Assert.Equal(HttpStatusCode.OK, operatorPage.StatusCode);
        var operatorHtml = await operatorPage.Content.ReadAsStringAsync();
        Assert.Contains("gongan-population", operatorHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("js-jobs-list-command", operatorHtml, StringComparison.Ordinal); // no trigger / delete buttons
        using var trigger = new FormUrlEncodedContent([new("jobs[]", IngestionJob.RecurringId("gongan-population"))]);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync("hangfire/recurring/trigger", trigger)).StatusCode);

        var stewardHtml = await (await steward.GetAsync("hangfire/recurring")).Content.ReadAsStringAsync();
        Assert.Contains("js-jobs-list-command", stewardHtml, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForStateAsync(JobsServer server, string jobId, params string[] states)
    {
        var until = DateTimeOffset.UtcNow.AddMinutes(2);
        while (DateTimeOffset.UtcNow < until)
        {
            using var connection = server.Storage.GetConnection();
            var state = connection.GetStateData(jobId)?.Name;
            if (state is not null && states.Contains(state)) return state;
            await Task.Delay(200);
        }
        throw new TimeoutException($"job {jobId} did not reach {string.Join("/", states)}");
    }
}
