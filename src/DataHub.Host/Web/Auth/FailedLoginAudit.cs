using System.Collections.Concurrent;
using DataHub.Catalog.Audit;
using DataHub.Host.Composition;

namespace DataHub.Host.Web.Auth;

/// <summary>
/// Audits failed sign-ins with the user name tried and the client address, aggregated so a flood of
/// guesses cannot fill the disk: at most one record per user name and address per minute (the
/// first failure of the minute; the throttle keeps the rest cheap).
/// </summary>
internal sealed class FailedLoginAudit(DataHubEngine engine)
{
    public const string FailedCode = "LOGIN_FAILED";
    public const string ThrottledCode = "LOGIN_THROTTLED";
    private readonly ConcurrentDictionary<(string User, string Address, long Minute, bool Throttled), byte> _written = new();

    public async Task FailedAsync(string userName, string clientAddress, string path, bool throttled)
    {
        // Counted per user name, address and minute in the catalog (one row per minute, not per guess).
        await engine.Catalog.FailedLogins.RecordAsync(userName, clientAddress, CancellationToken.None);
        var now = engine.Time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        if (!_written.TryAdd((userName, clientAddress, minute, throttled), 0)) return;
        if (_written.Count > 10_000)
            foreach (var key in _written.Keys.Where(k => k.Minute < minute)) _written.TryRemove(key, out _);
        // Written even when the caller hangs up: the attempt happened.
        await engine.Catalog.Access.AppendAsync(new AccessRecord(now, userName.Length > 100 ? userName[..100] : userName, null, null, "LOGIN", path,
            throttled ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized, 0, throttled ? ThrottledCode : FailedCode, clientAddress),
            CancellationToken.None);
    }
}
