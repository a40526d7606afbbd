using DataHub.Core.Schema;
using DataHub.Pipelines.Lake;
using DataHub.TestKit;
using Xunit;

namespace DataHub.Pipelines.Tests.Lake;

/// <summary>Cancelling a run reaches into DuckDB: a statement already running is interrupted, not waited for.</summary>
public sealed class RunStageCancellationTests
{
    [Fact(Timeout = 60_000)]
    public async Task Exec_CancelledWhileRunning_InterruptsTheStatement()
    {
        using var dir = new TempDirectory("stage-cancel");
        using var stage = new RunStage(SchemaLoader.Get("population"), dir.Path, "256MB", 1);
        using var cancel = new CancellationTokenSource();

        // Ten billion rows take minutes to count on one thread: only an interrupt ends it in time.
        var running = Task.Run(() => stage.Exec("CREATE TABLE t AS SELECT count(*) AS n FROM range(10000000000)", cancel.Token));
        await Task.Delay(300);
        Assert.False(running.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }
}
