using DataHub.Core.Schema;

namespace DataHub.Serving;

/// <summary>
/// One published version of a dataset as the serving layer reads it: the Parquet files of that
/// version, sorted by the scope column, with column names equal to <see cref="FieldSpec.Name"/>.
/// </summary>
/// <param name="Version">The catalog's version number; a skiptoken pins it (see <see cref="IServedDatasets.Find"/>).</param>
public sealed record ServedDataset(DatasetSchema Schema, long Version, IReadOnlyList<string> ParquetFiles, DateTimeOffset PublishedAt);
