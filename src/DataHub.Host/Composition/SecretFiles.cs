using System.Security.Cryptography;

namespace DataHub.Host.Composition;

/// <summary>Keys kept as files in the data folder's secrets/, readable by the owner only.</summary>
public static class SecretFiles
{
    /// <summary>Reads a 32-byte key (hex), creating a new random one on first use.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Convert.FromHexString(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToHexStringLower(key));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
