namespace DataHub.Serving.Engine;

/// <summary>A dedicated background thread that executes queued queries on its own long-lived DuckDB connection.</summary>
internal sealed class QueryWorker
{
    private readonly Thread thread;

    public QueryWorker(DuckDbEngine engine, int index)
    {
        thread = new Thread(() =>
        {
            using var session = new SessionHolder(engine);
            engine.WorkerLoop(session.Session);
        })
        {
            IsBackground = true,
            Name = "DataHub DuckDB worker " + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
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
