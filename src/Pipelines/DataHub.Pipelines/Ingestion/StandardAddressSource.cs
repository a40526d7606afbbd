using System.Globalization;
using DataHub.Catalog;
using DataHub.Core.Schema;
using DataHub.Pipelines.Derived;
using DataHub.Pipelines.Normalization;
using DataHub.Pipelines.Resolution;
using DuckDB.NET.Data;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// The standard addresses an ingestion run resolves missing community codes against: the current
/// versions of the address dataset (and the houses of the housing register, as in the derived
/// rebuild), fixed when the run starts and read only if a record needs them.
/// </summary>
internal static class StandardAddressSource
{
    public static async Task<CommunityFromAddress?> ForAsync(DataHubCatalog catalog, DatasetSchema schema, string memoryLimit, int threads, CancellationToken cancellationToken)
    {
        if (CommunityFromAddress.AddressField(schema) is null) return null;
        var inputs = (await DerivedInputs.CurrentAsync(catalog, cancellationToken))
            .Where(i => i.Key is "address" or "housing").ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
        if (inputs.Count == 0) return null;
        return new CommunityFromAddress(() =>
        {
            using var conn = new DuckDBConnection("DataSource=:memory:");
            conn.Open();
            DerivedSql.Exec(conn, $"SET memory_limit={Literal(memoryLimit)}; SET threads={threads.ToString(CultureInfo.InvariantCulture)}; "
                + "SET autoinstall_known_extensions=false; SET autoload_known_extensions=false;");
            DerivedInputs.Attach(conn, inputs);
            return new AddressMatcher(AddressLinking.StandardAddresses(conn));
        });
    }
}
