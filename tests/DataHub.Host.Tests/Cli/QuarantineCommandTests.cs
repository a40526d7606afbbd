using System.Text.Json;
using DataHub.Host.Cli;
using DataHub.Host.Demo;
using DuckDB.NET.Data;
using Xunit;

namespace DataHub.Host.Tests.Cli;

/// <summary><c>datahub quarantine list|reprocess</c> on the demo's dirty export: counts, masked samples, exit codes.</summary>
public sealed class QuarantineCommandTests : IAsyncLifetime
{
    private readonly HostFixture _fx = new();
    private string _source = "";

    public async Task InitializeAsync()
    {
        var engine = await _fx.OpenEngineAsync();
        (_source, _) = await DemoSetup.PrepareAsync(engine, rows: 800, seed: 3, default);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr, default);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task List_PrintsReasonCountsAndSamplesWithoutAnyRawIdNumberNameOrPhone()
    {
        Assert.Equal(CommandLine.Ok, (await Run("ingest", _source, "--data", _fx.Data.Root)).Code);

        var (jsonCode, json, _) = await Run("quarantine", "list", "gongan-population", "--data", _fx.Data.Root, "--samples", "50", "--json");
        var (code, text, _) = await Run("quarantine", "list", "gongan-population", "--data", _fx.Data.Root, "--samples", "50");

        Assert.Equal((CommandLine.Ok, CommandLine.Ok), (jsonCode, code));
        using var doc = JsonDocument.Parse(json);
        var file = doc.RootElement.GetProperty("file").GetString()!;
        var rows = doc.RootElement.GetProperty("rows").GetInt64();
        Assert.True(rows > 0);
        Assert.Equal(Math.Min(rows, 50), doc.RootElement.GetProperty("samples").GetArrayLength());
        Assert.Contains("隔离原因", text, StringComparison.Ordinal);
        Assert.Contains("datahub quarantine reprocess gongan-population", text, StringComparison.Ordinal);

        // Every raw personal value of the quarantined rows: none may appear in either output.
        var raw = RawValues(file, ["公民身份号码", "姓名", "联系电话（手机）", "id_number", "name", "phone"]).Where(v => v.Length >= 2).ToList();
        Assert.NotEmpty(raw);
        foreach (var v in raw)
        {
            Assert.DoesNotContain(v, text, StringComparison.Ordinal);
            Assert.DoesNotContain(v, json, StringComparison.Ordinal);
        }
        Assert.Contains("****", text, StringComparison.Ordinal); // masked, not dropped
    }

    [Fact]
    public async Task Reprocess_WithTheSameMapping_PublishesNothingAndSaysSo()
    {
        Assert.Equal(CommandLine.Ok, (await Run("ingest", _source, "--data", _fx.Data.Root)).Code);

        var (code, stdout, _) = await Run("quarantine", "reprocess", "gongan-population", "--data", _fx.Data.Root);

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("重新处理后没有新通过校验的行", stdout, StringComparison.Ordinal);
        Assert.Contains("= 现已接收 0 + 仍隔离", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_SourceNeverPublished_ExitsOneWithAChineseMessage()
    {
        var (code, _, stderr) = await Run("quarantine", "list", "gongan-population", "--data", _fx.Data.Root);

        Assert.Equal(CommandLine.Failed, code);
        Assert.Contains("QUARANTINE_NO_PART", stderr, StringComparison.Ordinal);
        Assert.Contains("datahub ingest", stderr, StringComparison.Ordinal);
    }

    /// <summary>Every string under a property with one of these names (spaces ignored), at any depth: key conflicts nest both rows.</summary>
    private static List<string> RawValues(string file, string[] names)
    {
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT original_values FROM read_parquet('{file}')";
        using var r = cmd.ExecuteReader();
        var values = new List<string>();
        while (r.Read())
        {
            using var json = JsonDocument.Parse(r.GetString(0));
            Collect(json.RootElement, names, values);
        }
        return values;
    }

    private static void Collect(JsonElement e, string[] names, List<string> values)
    {
        if (e.ValueKind != JsonValueKind.Object) return;
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Object) Collect(p.Value, names, values);
            else if (p.Value.ValueKind == JsonValueKind.String && names.Contains(p.Name.Replace(" ", "", StringComparison.Ordinal).Trim('\uFEFF')))
                values.Add(p.Value.GetString()!.Trim());
        }
    }
}
