using System.Security.Cryptography;

namespace DataHub.Host.Composition;

/// <summary>Keys kept as files in the data folder's secrets/, readable by the owner only.</summary>
internal static class SecretFiles
{
    /// <summary>Reads a 32-byte key (hex), creating a new random one on first use.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Convert.FromHexString(File.ReadAllText(path).Trim());
        FileModes.OwnerOnlyDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        // Written whole to a temporary file, then moved into place: another process starting at the
        // same moment (two nodes on one data folder) never reads a half-written key, and whichever
        // move comes second keeps the first one's key.
        var temp = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ".tmp";
        // Created owner-only from the start, not chmod-ed after a window in which it was readable.
        var options = DataHub.Core.Files.OwnerOnly.ForNewFile(new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write });
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToHexStringLower(key));
        }
        try
        {
            File.Move(temp, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return Convert.FromHexString(File.ReadAllText(path).Trim());
        }
    }
}
