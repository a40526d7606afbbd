using DataHub.Connectors.Abstractions;
using DataHub.TestKit.District;

namespace DataHub.Connectors.Tests.Rest;

/// <summary>Source configs for the simulated 市场监管 API of a <see cref="SimulatedDistrictFixture"/>.</summary>
internal static class RestSources
{
    public static Dictionary<string, string> Options(SimulatedDistrictFixture district, string paging = "page", int pageSize = 50) => new()
    {
        ["url"] = district.Server.EnterprisesUrl.ToString(),
        ["records_path"] = "data.items",
        ["paging"] = paging,
        ["page_size"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["next_cursor_path"] = "data.next_cursor",
        ["auth_header"] = "X-Api-Key",
        ["auth_secret_file"] = district.Paths.ApiKey,
        ["retry_delay_ms"] = "5",
        ["since_param"] = "updated_since",
        ["cursor_field"] = "updated",
    };

    public static SourceConfig Config(SimulatedDistrictFixture district, string baseDirectory, Action<Dictionary<string, string>>? change = null)
    {
        var options = Options(district);
        change?.Invoke(options);
        return new SourceConfig("scjg-enterprise", options, baseDirectory);
    }

    /// <summary>The credit codes (as listed) of every record read.</summary>
    public static List<string> CreditCodes(IEnumerable<RecordBatch> batches)
    {
        var list = new List<string>();
        foreach (var batch in batches)
        {
            var at = batch.Columns.Single(c => c.Name == "uniscid").Ordinal - 1;
            list.AddRange(batch.Records.Select(r => (string)r.Values[at]!));
        }
        return list;
    }
}
