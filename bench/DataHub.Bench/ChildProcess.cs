using System.Diagnostics;
using System.Reflection;

namespace DataHub.Bench;

/// <summary>
/// Runs this harness again as a child process under a hidden sub-command and returns the payload of
/// the last stdout line that starts with the given marker. A child that outlives its time is killed.
/// </summary>
internal static class ChildProcess
{
    /// <param name="input">Written to the child's stdin, then closed (null: stdin not redirected).</param>
    public static async Task<string> RunAsync(string verb, IEnumerable<string> arguments, string? input, string marker, TimeSpan timeout, string what,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("No process path."))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardInput = input is not null,
        };
        // Under `dotnet DataHub.Bench.dll` the process is the dotnet host: pass the assembly too.
        if (Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        start.ArgumentList.Add(verb);
        foreach (var a in arguments) start.ArgumentList.Add(a);

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {what} process.");
        if (input is not null)
        {
            await child.StandardInput.WriteLineAsync(input);
            child.StandardInput.Close();
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var output = child.StandardOutput.ReadToEndAsync(limit.Token);
        try
        {
            await child.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"The {what} process did not finish within {timeout.TotalMinutes:0} minutes and was stopped.");
        }
        var text = await output;
        var line = text.Split('\n').LastOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"The {what} process failed (exit code {child.ExitCode}):\n{text}");
        return line[marker.Length..];
    }
}
