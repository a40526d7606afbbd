namespace DataHub.Pipelines.Sources;

/// <summary>
/// A declared source (one YAML file per department export): which connector reads it, which shared
/// dataset it feeds, the catalog terms, and how each source column maps to a shared field.
/// Adding another department's export is a new file of this shape, no code.
/// </summary>
public sealed record SourceDefinition(
    string Id,
    string DisplayName,
    string Dataset,
    string FilePath,
    Department Department,
    CatalogTerms Catalog,
    string ConnectorType,
    IReadOnlyDictionary<string, string> ConnectorOptions,
    IReadOnlyList<FieldMapping> Fields)
{
    /// <summary>The folder relative paths in the definition resolve against.</summary>
    public string BaseDirectory => Path.GetDirectoryName(FilePath)!;

    /// <summary>
    /// <c>schedule:</c> a cron expression (5 fields, Beijing time) overriding the schedule derived from
    /// <c>catalog.update_cycle</c>; null to follow the update cycle. Checked by the scheduler.
    /// </summary>
    public string? Schedule { get; init; }
    /// The part of the dataset this source owns: division codes (6-digit district, 9-digit street or
    /// 12-digit community). Null when not declared: then the streets its rows fall in at its first run.
    /// </summary>
    public IReadOnlyList<string>? Scope { get; init; }

    /// <summary>The definition file's text, part of the run's input fingerprint (a mapping fix is a new input).</summary>
    public string Text { get; init; } = "";
}

public sealed record Department(string Code, string Name);

/// <summary>共享属性 and 更新周期 of the dataset this source provides.</summary>
public sealed record CatalogTerms(string ResourceCode, string ShareType, string? ShareCondition, string UpdateCycle);

/// <summary>
/// How one shared field is filled: from a source column (after the named transforms, the value
/// map and the null markers), from a constant, or not at all (<see cref="NotSupplied"/>: the source
/// does not have it, the field stays null and the completeness figures show it).
/// </summary>
public sealed record FieldMapping(
    string Field,
    string? From,
    string? Constant,
    IReadOnlyList<string> Transforms,
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyList<string> NullValues,
    bool NotSupplied = false);
