namespace DataHub.TestKit;

/// <summary>Files of the repository checkout the tests run from (found by walking up to DataHub.sln).</summary>
public static class RepoPaths
{
    public static DirectoryInfo Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root.FullName, relative);

    private static DirectoryInfo FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "DataHub.sln"))) return dir;
        }
        throw new InvalidOperationException($"No DataHub.sln above {AppContext.BaseDirectory}.");
    }
}
