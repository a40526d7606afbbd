using DataHub.Catalog;
using DataHub.Core.Schema;
using DuckDB.NET.Data;
using static DataHub.Pipelines.Lake.DuckDbTypes;

namespace DataHub.Pipelines.Lake;

/// <summary>
/// Writes a platform dataset the platform computes itself (quality, freshness) as a new lake
/// version: rows appended into a table shaped by the schema, copied to the version's one Parquet part
/// in <paramref name="orderBy"/> order, read back by Parquet.Net, then published by the caller. On
/// any failure the version folder is removed, so nothing half-written is ever listed.
/// </summary>
internal static class PlatformDatasetFile
{
    public static async Task<long> WriteAsync(DataHubCatalog catalog, LakeLayout lake, DatasetSchema schema, string orderBy, long rowCount,
        Action<DuckDBAppender> appendRows, Func<long, string, string, Task> publish, CancellationToken cancellationToken)
    {
        var version = await LakeVersions.NextAsync(catalog, lake, schema.Name, cancellationToken);
        var directory = lake.VersionDirectory(schema.Name, version);
        Directory.CreateDirectory(directory);
        var file = LakeLayout.PartFileName(schema.Name);
        try
        {
            using (var conn = new DuckDBConnection("DataSource=:memory:"))
            {
                conn.Open();
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = CreateTable("rows", schema);
                    cmd.ExecuteNonQuery();
                }
                using (var appender = conn.CreateAppender("rows")) appendRows(appender);
                using var copy = conn.CreateCommand();
                copy.CommandText = $"COPY (SELECT * FROM rows ORDER BY {orderBy}) TO {Literal(Path.Combine(directory, file))} {PublishedParquet}";
                copy.ExecuteNonQuery();
            }
            await ParquetReadBack.VerifyAsync(Path.Combine(directory, file), schema, rowCount, cancellationToken);
            await publish(version, directory, file);
            return version;
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }
}
