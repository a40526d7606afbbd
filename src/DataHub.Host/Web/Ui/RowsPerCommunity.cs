using System.Collections.Concurrent;
using DataHub.Catalog.Datasets;
using DataHub.Core.Schema;
using DataHub.Host.Composition;
using DuckDB.NET.Data;

namespace DataHub.Host.Web.Ui;

/// <summary>One bar of the rows-per-community chart.</summary>
internal sealed record CommunityCount(string Code, string Name, long Rows);

/// <summary>
/// Rows per community of a dataset's current version, within a principal's scope, by a DuckDB
/// aggregate over the version's Parquet files (sorted by community code, so a scope prefix reads few
/// row groups). Versions are immutable, so each answer is cached for the version.
/// </summary>
internal sealed class RowsPerCommunity(DataHubEngine engine)
{
    private readonly ConcurrentDictionary<(string Dataset, long Version, string Scope), IReadOnlyList<CommunityCount>> _cache = new();

    public IReadOnlyList<CommunityCount> Count(DatasetVersion version, DatasetSchema schema, string scopeCode, CancellationToken cancellationToken)
    {
        if (schema.ScopeField is not { } scopeField || version.Files.Count == 0) return [];
        var key = (version.Dataset, version.Version, scopeCode);
        if (_cache.TryGetValue(key, out var cached)) return cached;

        var files = string.Join(", ", version.Files.Select(f => Literal(Path.Combine(version.Directory, f))));
        var column = "\"" + scopeField.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SET autoinstall_known_extensions=false; SET autoload_known_extensions=false; SET threads=1; SET memory_limit='256MB';
            SELECT {column} AS community, count(*) AS n FROM read_parquet([{files}])
            WHERE starts_with({column}, $scope) GROUP BY 1 ORDER BY 1
            """;
        command.Parameters.Add(new DuckDBParameter("scope", scopeCode));
        using var registration = cancellationToken.Register(command.Cancel);
        var result = new List<CommunityCount>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (reader.IsDBNull(0)) continue;
                var code = reader.GetString(0);
                result.Add(new CommunityCount(code, engine.Catalog.Divisions.Find(code)?.Name ?? code, reader.GetInt64(1)));
            }
        }
        if (_cache.Count > 1000) _cache.Clear();
        _cache[key] = result;
        return result;
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
