namespace DataHub.Serving.Feed;

/// <summary>
/// The per-node concurrency gate: at most <see cref="ServingOptions.MaxConcurrentRequests"/> feed
/// requests hold DuckDB work or a page buffer at once. A request over the limit is answered 503 at
/// once (cheaply, before any query) instead of queuing until latency and memory degrade for everyone.
/// </summary>
internal sealed class AdmissionGate(int limit)
{
    private int admitted;

    public int Admitted => Volatile.Read(ref admitted);

    /// <summary>A lease to dispose when the request is done, or null when the node is full.</summary>
    public IDisposable? TryEnter()
    {
        if (Interlocked.Increment(ref admitted) <= limit) return new Lease(this);
        Interlocked.Decrement(ref admitted);
        return null;
    }

    private sealed class Lease(AdmissionGate gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Interlocked.Decrement(ref gate.admitted);
        }
    }
}
