using System.Globalization;

namespace DataHub.Bench;

/// <summary>The temporary work folder of one harness run; deleted on dispose, whatever happened.</summary>
internal sealed class Workspace : IDisposable
{
    private Workspace(string root) => Root = root;

    public string Root { get; }

    public static Workspace Create(string? parent)
    {
        var folder = Path.GetFullPath(parent ?? Path.GetTempPath());
        Directory.CreateDirectory(folder);
        var name = string.Create(CultureInfo.InvariantCulture, $"datahub-bench-{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Environment.ProcessId}");
        var root = Path.Combine(folder, name);
        Directory.CreateDirectory(root);
        return new Workspace(root);
    }

    public string Folder(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete the work folder {Root}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"Could not delete the work folder {Root}: {e.Message}");
        }
    }
}
