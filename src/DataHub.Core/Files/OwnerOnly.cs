namespace DataHub.Core.Files;

/// <summary>
/// Files and folders that hold personal data or secrets (lake scratch, raw zone, audit journal,
/// sorted copies, keys) are the service account's only on Unix: folders 0700, files 0600. Windows
/// has no modes; there the data folder's ACL is the deployment's job.
/// </summary>
public static class OwnerOnly
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a folder that is 0700 from the start (an existing folder keeps its mode).</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Makes an existing file 0600.</summary>
    public static void RestrictFile(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, FileMode);
    }

    /// <summary>Makes a file these options create 0600 from the start.</summary>
    public static FileStreamOptions ForNewFile(FileStreamOptions options)
    {
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        return options;
    }
}
