using DataHub.Bench;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    // Hidden sub-command: one measured workload in a fresh process (see ProbeHost).
    if (args.Length > 0 && args[0] == ProbeHost.Verb)
        return await ProbeHost.RunChildAsync(args[1..], Console.Out, cancel.Token);
    if (args.Length > 0 && args[0] == LoadProcess.Verb)
        return await LoadProcess.RunChildAsync(Console.In, Console.Out, cancel.Token);

    var options = BenchArgs.Parse(args);
    if (options is null)
    {
        await Console.Out.WriteAsync(BenchArgs.Usage);
        return 0;
    }
    return await BenchRunner.RunAsync(options, args, Console.Out, Console.Error, cancel.Token);
}
catch (BenchUsageException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteAsync(BenchArgs.Usage);
    return 2;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Cancelled.");
    return 130;
}
