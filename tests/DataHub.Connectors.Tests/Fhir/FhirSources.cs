using DataHub.Connectors.Abstractions;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Fhir;

/// <summary>Source configs for the simulated 卫健 FHIR server of a <see cref="SimulatedDistrictFixture"/>.</summary>
internal static class FhirSources
{
    public static SourceConfig Config(SimulatedDistrictFixture district, Action<Dictionary<string, string>>? change = null)
    {
        var options = new Dictionary<string, string>
        {
            ["base_url"] = district.Server.FhirBaseUrl.ToString(),
            ["page_size"] = "40",
            ["retry_delay_ms"] = "5",
        };
        change?.Invoke(options);
        return new SourceConfig("wsjk-health", options, ".");
    }

    /// <summary>Column values by column name, per record.</summary>
    public static List<Dictionary<string, string?>> Rows(IEnumerable<RecordBatch> batches) =>
        batches.SelectMany(b => b.Records.Select(r => b.Columns.ToDictionary(c => c.Name, c => (string?)r.Values[c.Ordinal - 1]))).ToList();
}
