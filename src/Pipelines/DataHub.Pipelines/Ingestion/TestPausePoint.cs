namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// A hook for the crash tests: with <c>DATAHUB_TEST_PAUSE_AT=&lt;point&gt;</c> in the environment a run
/// stops at that named point, says so on standard error and waits (until cancelled), so a test can
/// SIGKILL the process at a known place. Points: <c>reading</c> (first batch read), <c>staging</c>
/// (all rows staged), <c>parquet</c> (Parquet written, not yet moved), <c>publish</c> (version folder
/// in place, catalog transaction not yet run). Without the variable this does nothing.
/// </summary>
internal static class TestPausePoint
{
    public const string Variable = "DATAHUB_TEST_PAUSE_AT";

    private static readonly string? Configured = Environment.GetEnvironmentVariable(Variable);

    public static async Task ReachedAsync(string point, CancellationToken cancellationToken)
    {
        if (!string.Equals(Configured, point, StringComparison.Ordinal)) return;
        await Console.Error.WriteLineAsync($"[test] paused at {point}");
        await Console.Error.FlushAsync(cancellationToken);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
