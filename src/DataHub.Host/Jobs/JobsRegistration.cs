using DataHub.Catalog.Runs;
using DataHub.Host.Composition;
using DataHub.Host.Web.Auth;
using Hangfire;
using Hangfire.Dashboard;

namespace DataHub.Host.Jobs;

/// <summary>Scheduled ingestion in the web host: Hangfire server, recurring jobs per source, the dashboard and run reports.</summary>
internal static class JobsRegistration
{
    public const string DashboardPath = "/hangfire";

    /// <summary>
    /// Registers Hangfire against this instance's own storage and activator (not Hangfire's static
    /// globals), so two hosts in one process (tests) do not share jobs.
    /// </summary>
    public static IServiceCollection AddDataHubJobs(this IServiceCollection services, DataHubEngine engine, JobsOptions options)
    {
        GlobalConfiguration.Configuration.UseLogProvider(HangfireLogs.Instance);
        var storage = JobStorageFactory.Create(engine.Data, options);
        services.AddSingleton(options);
        services.AddSingleton(storage);
        services.AddSingleton<JobActivator>(sp => new ServiceProviderJobActivator(sp));
        services.AddSingleton(new SourceDirectory(engine.Data));
        services.AddTransient<IngestionJob>();
        services.AddHangfire((sp, c) =>
        {
            HangfireLogs.Instance.Use(sp.GetRequiredService<ILoggerFactory>());
            c.UseLogProvider(HangfireLogs.Instance);
        });
        services.AddHangfireServer((_, o) =>
        {
            o.WorkerCount = options.WorkerCount;
            o.ServerName = RunLog.Node;
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        }, storage);
        services.AddHostedService<RecurringSourceJobs>();
        return services;
    }

    public static void MapDataHubJobs(this WebApplication app)
    {
        var storage = app.Services.GetRequiredService<JobStorage>();
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            AsyncAuthorization = [new DashboardAuthorization()],
            IsReadOnlyFunc = DashboardAuthorization.IsReadOnly,
            DashboardTitle = "DataHub 作业",
            AppPath = "/",
            DisplayStorageConnectionString = false,
        }, storage);
    }

    /// <summary>Jobs are resolved from this host's container (the engine, the storage, loggers).</summary>
    private sealed class ServiceProviderJobActivator(IServiceProvider services) : JobActivator
    {
        public override object ActivateJob(Type jobType) => ActivatorUtilities.GetServiceOrCreateInstance(services, jobType);
    }
}
