using System.Runtime.InteropServices;

namespace DataHub.Host.Composition;

/// <summary>
/// The data folder holds unmasked personal data (published Parquet, quarantine, source exports),
/// the catalog with password hashes, and keys: none of it may be readable by other local users,
/// which would bypass every policy. On Unix the process's file-creation mask is set to 077, so
/// every file and folder it creates (including those SQLite, DuckDB and the Parquet writer create
/// natively: WAL, SHM, version folders) is 0600/0700; the folders a data folder already has are
/// tightened to 0700. Windows keeps the folder's inherited ACLs (no-op).
/// </summary>
internal static class FileModes
{
    private const UnixFileMode OwnerOnlyFolder = Core.Files.OwnerOnly.FolderMode;
    private const UnixFileMode OwnerOnlyFile = Core.Files.OwnerOnly.FileMode;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate uint UmaskFunction(uint mask);

    private static int s_applied;

    /// <summary>Sets the process umask to 077 (once); false when the platform offers no umask.</summary>
    public static bool RestrictNewFiles()
    {
        if (OperatingSystem.IsWindows()) return false;
        if (Volatile.Read(ref s_applied) == 1) return true;
        var library = OperatingSystem.IsMacOS() ? "libSystem.dylib" : "libc.so.6";
        if (!NativeLibrary.TryLoad(library, out var handle) && !NativeLibrary.TryLoad("libc", out handle)) return false;
        if (!NativeLibrary.TryGetExport(handle, "umask", out var export)) return false;
        Marshal.GetDelegateForFunctionPointer<UmaskFunction>(export)(Convert.ToUInt32("077", 8));
        Volatile.Write(ref s_applied, 1);
        return true;
    }

    /// <summary>Creates <paramref name="path"/> if needed and makes it 0700 (owner only).</summary>
    public static void OwnerOnlyDirectory(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, OwnerOnlyFolder);
    }

    /// <summary>Makes an existing file 0600 (owner only); absent files are skipped.</summary>
    public static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path)) File.SetUnixFileMode(path, OwnerOnlyFile);
    }
}
