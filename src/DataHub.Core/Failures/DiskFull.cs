namespace DataHub.Core.Failures;

/// <summary>
/// Recognises "the disk is full" in whatever shape it arrives: an <see cref="IOException"/> with
/// ENOSPC (Linux, macOS) or ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL (Windows), or a native
/// library's message (DuckDB, SQLite) wrapped in its own exception type.
/// </summary>
public static class DiskFull
{
    private const int Enospc = 28;
    private const int WindowsDiskFull = 0x70;
    private const int WindowsHandleDiskFull = 0x27;

    public static bool Is(Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is IOException && (x.HResult == Enospc || (x.HResult & 0xFFFF) is WindowsDiskFull or WindowsHandleDiskFull)) return true;
            var m = x.Message;
            if (m.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                || m.Contains("not enough space on the disk", StringComparison.OrdinalIgnoreCase)
                || m.Contains("database or disk is full", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>The zh-CN failure a run or command reports for a full disk.</summary>
    public static DataHubException Failure(string where, Exception inner) =>
        new(FailureKind.System, "DISK_FULL", "磁盘空间已满，本次未发布；本次运行的临时文件已删除", where,
            "清理或扩容该磁盘（数据目录所在分区）后重新运行；上一版本继续提供", inner);
}
