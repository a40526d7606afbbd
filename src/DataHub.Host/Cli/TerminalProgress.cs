using System.Globalization;
using DataHub.Pipelines.Ingestion;

namespace DataHub.Host.Cli;

/// <summary>
/// One self-overwriting line on a terminal for a long ingest: stage, rows read, rows per second,
/// elapsed. At most twice a second; nothing when output is redirected or JSON was asked for.
/// </summary>
internal sealed class TerminalProgress(TextWriter writer) : IProgress<RunProgress>
{
    private TimeSpan _last = TimeSpan.MinValue;

    public static IProgress<RunProgress>? ForConsole(bool json) =>
        json || Console.IsErrorRedirected ? null : new TerminalProgress(Console.Error);

    public void Report(RunProgress value)
    {
        if (value.Stage == RunProgress.Reading && value.Elapsed - _last < TimeSpan.FromMilliseconds(500)) return;
        _last = value.Elapsed;
        var stage = value.Stage switch
        {
            RunProgress.Reading => "读取校验",
            RunProgress.Writing => "去重排序写 Parquet",
            _ => "发布",
        };
        var rate = value.Elapsed.TotalSeconds > 0 ? value.RowsRead / value.Elapsed.TotalSeconds : 0;
        writer.Write(string.Create(CultureInfo.InvariantCulture, $"\r{stage}：已读取 {value.RowsRead:N0} 行，{rate:N0} 行/秒，已用 {value.Elapsed:hh\\:mm\\:ss}    "));
        if (value.Stage == RunProgress.Publishing) writer.WriteLine();
    }
}
