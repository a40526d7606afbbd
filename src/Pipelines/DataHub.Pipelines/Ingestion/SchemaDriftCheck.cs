using DataHub.Connectors.Abstractions;

namespace DataHub.Pipelines.Ingestion;

/// <summary>
/// Compares the columns a source offers now with those of its last successful run. A missing
/// mapped column is not drift but a config error (RecordNormalizer.Bind names it and the columns
/// that exist); what is reported here is what a person should know but need not act on at once.
/// </summary>
internal static class SchemaDriftCheck
{
    public static SchemaDrift? Compare(IReadOnlyList<ColumnInfo>? before, IReadOnlyList<SourceColumn> now)
    {
        if (before is null) return null;
        var old = before.GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);
        var current = now.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var added = now.Where(c => !old.ContainsKey(c.Name)).Select(c => c.Name).ToList();
        var removed = before.Where(c => !current.Contains(c.Name)).Select(c => c.Name).ToList();
        // Only typed sources declare types; a CSV column has none, so it never "changes type".
        var changed = now.Where(c => old.TryGetValue(c.Name, out var t) && t is not null && c.DeclaredType is not null && !string.Equals(t, c.DeclaredType, StringComparison.OrdinalIgnoreCase))
            .Select(c => new TypeChange(c.Name, old[c.Name], c.DeclaredType)).ToList();
        return new SchemaDrift(added, removed, changed);
    }
}
