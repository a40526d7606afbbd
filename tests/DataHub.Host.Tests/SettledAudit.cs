using DataHub.Catalog.Audit;

namespace DataHub.Host.Tests;

/// <summary>
/// The audit as it stands once every answer already received is completed. A completion is queued
/// after the last byte of its answer has left (not awaited, so it never delays the answer), so a
/// client can read the whole answer a moment before its record says how many rows it carried.
/// </summary>
internal static class SettledAudit
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>The newest <paramref name="limit"/> records, once none of them is still incomplete (or the limit of waiting has passed).</summary>
    public static Task<IReadOnlyList<AccessRecord>> RecentAsync(AccessLog access, int limit) => SearchAsync(access, new AccessQuery(Limit: limit));

    /// <summary>The records matching <paramref name="query"/>, once none of them is still incomplete (or the limit of waiting has passed).</summary>
    public static async Task<IReadOnlyList<AccessRecord>> SearchAsync(AccessLog access, AccessQuery query)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var records = await access.SearchAsync(query, default);
            if (records.All(r => r.ErrorCode != AccessLog.Incomplete) || DateTime.UtcNow > deadline) return records;
            await Task.Delay(20);
        }
    }
}
