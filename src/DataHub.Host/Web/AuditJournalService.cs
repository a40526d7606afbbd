using DataHub.Host.Composition;

namespace DataHub.Host.Web;

/// <summary>
/// Opens the access journal (<c>DATA/audit/journal-N</c>) when the web host starts, before it
/// accepts requests: what a crashed process left there is moved into the catalog first. Feed
/// reservations then cost one local append instead of a catalog transaction; on stop, whatever
/// is still journaled is moved into the catalog (what cannot be stays for the next start).
/// </summary>
internal sealed class AuditJournalService(DataHubEngine engine, ILogger<AuditJournalService> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>How long the mover lets records gather before one transaction moves them.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(100);

    private int _open;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await engine.Catalog.Access.OpenJournalAsync(Path.Combine(engine.Data.Root, "audit"), Coalesce, e => WebLog.AuditJournalMoveFailed(logger, e), cancellationToken);
        Volatile.Write(ref _open, 1);
    }

    public Task StopAsync(CancellationToken cancellationToken) => CloseAsync();

    public async ValueTask DisposeAsync() => await CloseAsync();

    private Task CloseAsync() => Interlocked.Exchange(ref _open, 0) == 1 ? engine.Catalog.Access.CloseJournalAsync() : Task.CompletedTask;
}
