using System.Text;
using DataHub.Simulators.Population;
using Xunit;

namespace DataHub.Simulators.Tests.Population;

/// <summary>One default export (20,000 rows, GB18030) shared by the read-only tests, in its own temp folder.</summary>
public sealed class PopulationExportFixture : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "datahub-sim-" + Guid.NewGuid().ToString("N"));

    public string CsvPath => Path.Combine(Folder, "公安_实有人口.csv");

    public PopulationExportManifest Manifest { get; private set; } = null!;

    public byte[] Bytes { get; private set; } = [];

    public string Text { get; private set; } = "";

    internal List<string[]> Records { get; private set; } = [];

    internal PopulationRecheck Recheck { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        Manifest = await new PopulationExportGenerator().GenerateAsync(DemoDistrict.Options(CsvPath));
        Bytes = await File.ReadAllBytesAsync(CsvPath);
        Text = PopulationExportGenerator.GetEncoding(PopulationExportEncoding.Gb18030).GetString(Bytes);
        Records = TestCsv.Parse(Text);
        Recheck = PopulationRecheck.Run(Records, DemoDistrict.Communities, DemoDistrict.Now);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }

    internal static Encoding StrictUtf8 => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
