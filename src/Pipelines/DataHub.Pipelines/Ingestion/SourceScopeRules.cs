using DataHub.Catalog.Datasets;
using DataHub.Core.Failures;
using DataHub.Pipelines.Sources;

namespace DataHub.Pipelines.Ingestion;

/// <summary>The division codes a source owns in its dataset, and whether it declared them.</summary>
public sealed record ResolvedScope(IReadOnlyList<string> Codes, bool Declared)
{
    /// <summary>Whether a community code falls under one of the scope's codes (a code's prefix is its parent).</summary>
    public bool Contains(string community)
    {
        foreach (var c in Codes)
        {
            if (community.StartsWith(c, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}

/// <summary>
/// Several sources per dataset: each owns a division scope, declared (<c>scope:</c> in its file) or
/// taken from the streets its rows fall in at its first run. Two sources may not own overlapping
/// divisions: that is a configuration error naming both files.
/// </summary>
public static class SourceScopeRules
{
    /// <summary>
    /// The scope this run enforces: the declared one (checked against the other sources first), else
    /// the one recorded at the source's first run, else null (the first run of an undeclared source).
    /// </summary>
    public static ResolvedScope? Resolve(SourceDefinition source, IReadOnlyList<SourceScope> known)
    {
        if (source.Scope is { } declared)
        {
            CheckOverlap(source, declared, known);
            return new ResolvedScope(declared, Declared: true);
        }
        var recorded = known.FirstOrDefault(s => s.SourceId == source.Id);
        return recorded is null ? null : new ResolvedScope(recorded.Codes, Declared: recorded.Declared);
    }

    /// <summary>Fails with <c>SOURCE_SCOPE_OVERLAP</c> when <paramref name="codes"/> overlap another source's scope.</summary>
    public static void CheckOverlap(SourceDefinition source, IReadOnlyList<string> codes, IReadOnlyList<SourceScope> known)
    {
        foreach (var other in known.Where(s => s.SourceId != source.Id))
        {
            var shared = codes.SelectMany(a => other.Codes.Where(b => a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal))
                .Select(b => a.Length >= b.Length ? a : b)).Distinct().Order(StringComparer.Ordinal).ToArray();
            if (shared.Length == 0) continue;
            throw new DataHubException(FailureKind.Config, "SOURCE_SCOPE_OVERLAP",
                $"数据源“{source.Id}”（{source.FilePath}）与数据源“{other.SourceId}”（{other.DefinitionFile}）负责的区划重叠：{string.Join("、", shared.Take(10))}",
                $"{source.FilePath} 与 {other.DefinitionFile} 的 scope",
                "同一数据集的每个区划只能由一个数据源负责：在两个文件中用 scope: [区划代码] 写明各自负责的区县/街道，使之互不重叠");
        }
    }
}
