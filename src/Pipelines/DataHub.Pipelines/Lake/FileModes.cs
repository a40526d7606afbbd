namespace DataHub.Pipelines.Lake;

/// <summary>
/// Quarantine, field-issue and staging files hold personal data as the source had it (ID numbers,
/// names, phones): on Unix they are readable by the service account only (folders 0700, files 0600).
/// Windows has no modes; there the data folder's ACL is the deployment's job.
/// </summary>
public static class FileModes
{
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates (if needed) and restricts a folder and every file in it.</summary>
    public static void RestrictDirectory(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        if (OperatingSystem.IsWindows()) return;
        System.IO.File.SetUnixFileMode(directory, Folder);
        foreach (var f in System.IO.Directory.EnumerateFiles(directory)) System.IO.File.SetUnixFileMode(f, File);
    }

    /// <summary>Creates a folder restricted from the start (so nothing written into it is ever readable by others).</summary>
    public static void CreateRestricted(string directory)
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(directory);
        else System.IO.Directory.CreateDirectory(directory, Folder);
        RestrictDirectory(directory);
    }
}
