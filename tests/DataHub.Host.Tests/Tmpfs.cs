using System.Diagnostics;
using Xunit;

namespace DataHub.Host.Tests;

/// <summary>A real small filesystem for disk-full tests: a tmpfs mounted over a folder (Linux, root).</summary>
internal static class Tmpfs
{
    public static void Mount(string folder, string size) => Exec("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder);

    /// <summary>Lazy unmount: files a test still holds open do not keep the mount.</summary>
    public static void Unmount(string folder) => Exec("umount", "-l", folder);

    private static void Exec(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {err}");
    }
}
