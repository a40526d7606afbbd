namespace DataHub.Serving.Engine;

/// <summary>A dedicated background thread that executes queued work on its own long-lived DuckDB connection.</summary>
internal sealed class QueryWorker
{
    private readonly Thread thread;

    public QueryWorker(DuckDbEngine engine, WorkerLane lane, string name, int index)
    {
        thread = new Thread(() =>
        {
            // Below the web's threads, so health checks and quick refusals are not queued behind DuckDB.
            WorkerPriority.LowerCurrentThread(engine.WorkerNice);
            using var session = new SessionHolder(engine);
            lane.Loop(session.Session);
        })
        {
            IsBackground = true,
            Name = $"DataHub DuckDB {name} {index.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        };
        thread.Start();
    }

    public void Join() => thread.Join();

    private sealed class SessionHolder(DuckDbEngine engine) : IDisposable
    {
        public QuerySession Session { get; } = engine.NewSession();

        public void Dispose() => Session.Dispose();
    }
}
