using System.Security.Cryptography;

namespace DataHub.Host.Composition;

/// <summary>Keys kept as files in the data folder's secrets/, readable by the owner only.</summary>
public static class SecretFiles
{
    /// <summary>Reads a 32-byte key (hex), creating a new random one on first use.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Convert.FromHexString(File.ReadAllText(path).Trim());
        FileModes.OwnerOnlyDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        // Created owner-only from the start, not chmod-ed after a window in which it was readable.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToHexStringLower(key));
        }
        return key;
    }
}
