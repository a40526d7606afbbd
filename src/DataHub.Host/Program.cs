using DataHub.Host.Cli;

// Before anything touches the console (which sets up .NET's signal handling): a SIGINT ignored by
// whoever started us is put back to the default, so Ctrl+C cancels a run here too.
InheritedSigInt.Restore();

// Ctrl+C (and SIGTERM from a service manager, via the host) cancels the running command: an ingest
// stops at once, DuckDB's COPY included, records the run as cancelled and removes its scratch.
// A second Ctrl+C ends the process the hard way. The token reaches each verb through System.CommandLine's
// invocation (CommandLine.RunAsync).
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    cancel.Cancel();
};
// SIGTERM (systemd stop, docker stop) cancels the same way; the web host stops gracefully on it too.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
return await CommandLine.RunAsync(args, Console.Out, Console.Error, cancel.Token);
