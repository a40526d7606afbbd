namespace DataHub.Core.Files;

/// <summary>
/// A folder a process owns for as long as it holds the folder's lock file open with no sharing (the
/// audit journal's folders, the sorted copies' folder). The operating system drops the lock when the
/// process ends however it ends, so a folder whose lock can be taken was left by a process that is gone.
/// </summary>
public static class FolderLock
{
    /// <summary>Opens (creating, 0600) <paramref name="lockName"/> in <paramref name="folder"/> exclusively; null when another process holds it.</summary>
    public static FileStream? TryTake(string folder, string lockName)
    {
        try
        {
            var options = OwnerOnly.ForNewFile(new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None });
            return new FileStream(Path.Combine(folder, lockName), options);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
