using DataHub.Host.Demo;
using Xunit;

namespace DataHub.Host.Tests.Composition;

/// <summary>Everything the service writes in its data folder is owner-only on Unix (0600 files, 0700 folders).</summary>
public sealed class FileModeTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task DataFolder_AfterIngestAndDemoPrincipals_HasNothingReadableByOthers()
    {
        if (OperatingSystem.IsWindows()) return; // ACLs inherited from the folder; no Unix modes to check
        var engine = await _fx.OpenEngineAsync();
        await DemoPrincipals.EnsureAsync(engine.Catalog, engine.Data.CredentialsPath, default);
        var (source, _) = await DemoSetup.PrepareAsync(engine, rows: 300, seed: 5, default);
        Assert.True((await engine.Runner.RunAsync(source, default)).Succeeded);

        var root = engine.Data.Root;
        var entries = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Append(root).ToList();
        Assert.Contains(entries, e => e.EndsWith("catalog.db-wal", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith(".parquet", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("credentials.json", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("record-id.key", StringComparison.Ordinal));
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var open = entries.Where(e => (Mode(e) & others) != 0).Select(e => $"{Path.GetRelativePath(root, e)} {Mode(e)}").ToList();
        Assert.Empty(open);
    }

    private static UnixFileMode Mode(string path) => OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);

    [Fact]
    public async Task ExistingDataFolder_OpenedAgain_IsTightened()
    {
        if (OperatingSystem.IsWindows()) return;
        var engine = await _fx.OpenEngineAsync();
        const UnixFileMode wide = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(engine.Data.CatalogPath, wide);
        File.SetUnixFileMode(engine.Data.Root, wide | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        var again = await _fx.OpenEngineAsync();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(again.Data.CatalogPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(again.Data.Root));
    }
}
