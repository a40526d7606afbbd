namespace DataHub.Pipelines.Lake;

/// <summary>
/// Quarantine, field-issue and staging files hold personal data as the source had it (ID numbers,
/// names, phones): on Unix they are readable by the service account only (folders 0700, files 0600).
/// Windows has no modes; there the data folder's ACL is the deployment's job.
/// </summary>
public static class FileModes
{
    public const UnixFileMode Folder = Core.Files.OwnerOnly.FolderMode;
    public const UnixFileMode File = Core.Files.OwnerOnly.FileMode;

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
        Core.Files.OwnerOnly.CreateDirectory(directory);
        RestrictDirectory(directory);
    }
}
