using System.Collections.Concurrent;

namespace DataHub.Host.Web.Auth;

/// <summary>
/// Slows password guessing: failed sign-ins are counted per user name and per client address; past a
/// few free failures each further failure locks that user name (or address) for a growing time
/// (1 s, 2 s, 4 s … up to 15 minutes). While locked, credentials are not even checked and the caller
/// is answered 429 with the time to wait. A success clears the user's count (not the address's, so
/// one good account does not launder guesses against others). Counts fade after a quiet window.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    public const int FreeFailuresPerUser = 5;
    public const int FreeFailuresPerAddress = 20;
    private static readonly TimeSpan MaxLock = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    private sealed record Counter(int Failures, DateTimeOffset LastFailure, DateTimeOffset LockedUntil);

    /// <summary>How long the caller must wait before trying again, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(string? userName, string address)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(userName, address))
            if (_counters.TryGetValue(key, out var c) && c.LockedUntil > now && c.LockedUntil - now > wait) wait = c.LockedUntil - now;
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string? userName, string address)
    {
        var now = time.GetUtcNow();
        if (_counters.Count > MaxEntries) Prune(now);
        if (userName is not null) Count(UserKey(userName), FreeFailuresPerUser, now);
        Count(AddressKey(address), FreeFailuresPerAddress, now);
    }

    public void Succeeded(string? userName)
    {
        if (userName is not null) _counters.TryRemove(UserKey(userName), out _);
    }

    private void Count(string key, int free, DateTimeOffset now) =>
        _counters.AddOrUpdate(key,
            _ => Next(0, free, now),
            (_, c) => Next(now - c.LastFailure > Window && c.LockedUntil <= now ? 0 : c.Failures, free, now));

    private static Counter Next(int failuresBefore, int free, DateTimeOffset now)
    {
        var failures = failuresBefore + 1;
        if (failures <= free) return new Counter(failures, now, DateTimeOffset.MinValue);
        var seconds = Math.Min(Math.Pow(2, failures - free - 1), MaxLock.TotalSeconds);
        return new Counter(failures, now, now + TimeSpan.FromSeconds(seconds));
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, c) in _counters)
            if (now - c.LastFailure > Window && c.LockedUntil <= now) _counters.TryRemove(key, out _);
    }

    private static IEnumerable<string> Keys(string? userName, string address)
    {
        if (userName is not null) yield return UserKey(userName);
        yield return AddressKey(address);
    }

    private static string UserKey(string userName) => "u:" + userName.Trim().ToLowerInvariant();

    private static string AddressKey(string address) => "a:" + address;
}
