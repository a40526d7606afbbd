namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// Wall-clock seconds per stage of one run (zh-CN stage names, in the order they ran), from the
/// run's <see cref="TimeProvider"/>: the run report keeps them so an operator sees where a slow run
/// spent its time, and the ingest benchmark prints them per phase. <see cref="Mark"/> closes the
/// stage that is running and starts the next; <see cref="Add"/> charges time measured inside
/// another stage (e.g. writing staging lines while reading) to its own name.
/// </summary>
internal sealed class RunTimings(TimeProvider time)
{
    // Names of the stages, shared by the runner, the stage and the benchmark's table.
    public const string Prepare = "准备";
    public const string Read = "读取与校验";
    public const string RawZone = "原始区";
    public const string Fingerprint = "输入指纹";
    public const string StagingWrite = "写暂存";
    public const string StagingLoad = "载入暂存";
    public const string Rank = "去重与主键冲突";
    public const string SortCopy = "排序写出";
    public const string SideFiles = "隔离与重复明细";
    public const string ReadBack = "复核";
    public const string Quality = "质量计算";
    public const string Publish = "发布";
    public const string Retention = "保留清理";
    public const string QualityDataset = "质量数据集";
    public const string Derived = "派生数据集";

    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _cpu = new(StringComparer.Ordinal);
    private string? _current;
    private long _since;
    private TimeSpan _cpuSince;

    /// <summary>Closes the running stage (if any) and starts <paramref name="stage"/>.</summary>
    public void Mark(string stage)
    {
        Stop();
        _current = stage;
        _since = time.GetTimestamp();
        _cpuSince = Environment.CpuUsage.TotalTime;
    }

    /// <summary>Closes the running stage.</summary>
    public void Stop()
    {
        if (_current is not null)
        {
            Add(_current, time.GetElapsedTime(_since).TotalSeconds);
            _cpu[_current] = _cpu.GetValueOrDefault(_current) + (Environment.CpuUsage.TotalTime - _cpuSince).TotalSeconds;
        }
        _current = null;
    }

    /// <summary>Time measured apart (from <see cref="Start"/>), charged to <paramref name="stage"/>.</summary>
    public void Add(string stage, double seconds) => _seconds[stage] = _seconds.GetValueOrDefault(stage) + seconds;

    /// <summary>A step timed elsewhere with its process CPU seconds.</summary>
    public void Add(string stage, double seconds, double cpuSeconds)
    {
        Add(stage, seconds);
        _cpu[stage] = _cpu.GetValueOrDefault(stage) + cpuSeconds;
    }

    public void AddSince(string stage, long timestamp) => Add(stage, time.GetElapsedTime(timestamp).TotalSeconds);

    public long Start() => time.GetTimestamp();

    /// <summary>The stages so far, rounded to milliseconds (the running one up to now not included).</summary>
    public IReadOnlyDictionary<string, double> Snapshot() => Round(_seconds);

    /// <summary>
    /// Process CPU seconds (every thread, DuckDB's included) per stage that <see cref="Mark"/> timed:
    /// against <see cref="Snapshot"/> it shows whether a stage kept the cores busy. Not from the
    /// TimeProvider: it is a measurement of the machine, not of the run's clock.
    /// </summary>
    public IReadOnlyDictionary<string, double> CpuSnapshot() => Round(_cpu);

    private static Dictionary<string, double> Round(Dictionary<string, double> seconds) => seconds.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 3), StringComparer.Ordinal);
}
