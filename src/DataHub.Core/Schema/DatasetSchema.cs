namespace DataHub.Core.Schema;

/// <summary>
/// A shared-schema dataset (one of 一标三实 or health), loaded from <c>schemas/{name}.schema.json</c>.
/// </summary>
/// <param name="Name">Machine name, e.g. <c>population</c>.</param>
/// <param name="Version">Semantic version of the schema file.</param>
/// <param name="EntitySetName">OData entity set name (ASCII, so feed URLs are easy to type).</param>
/// <param name="KeyField">The entity key: a pseudonymous record id derived from <see cref="NaturalKey"/>.</param>
/// <param name="NaturalKey">Fields that identify the same real-world thing; duplicates share them.</param>
/// <param name="ScopeField">The 12-digit community code every row is scoped by.</param>
/// <param name="VersionField">Field whose newest value wins among duplicates (e.g. 更新时间), if any.</param>
/// <param name="IdentityFields">
/// Fields that must agree between rows sharing the natural key (<c>x-identity-fields</c>; default:
/// the record-level fields outside the natural key). Rows that disagree are a key conflict, not duplicates.
/// </param>
/// <param name="DatasetField">
/// For the platform's catalog datasets (freshness, quality): the column naming the dataset a row is
/// about (<c>x-dataset-field</c>). A principal sees only the rows of datasets granted to it.
/// </param>
/// <param name="FallbackKey">
/// Fields that identify a row whose natural key is empty (<c>x-fallback-key</c>, e.g. name, birth
/// date and community for a health archive kept without an ID number): such a row is accepted with a
/// pseudonymous record id from these fields, which never equals an id from the natural key, so it is
/// never joined to another dataset as the same person. Without it an empty natural key quarantines the row.
/// </param>
public sealed record DatasetSchema(
    string Name,
    string Version,
    string Title,
    string Description,
    string EntitySetName,
    string KeyField,
    IReadOnlyList<string> NaturalKey,
    string? ScopeField,
    string? VersionField,
    IReadOnlyList<FieldSpec> Fields,
    IReadOnlyList<string>? IdentityFields = null,
    string? DatasetField = null,
    IReadOnlyList<string>? FallbackKey = null)
{
    /// <summary>The identity fields, declared or by default.</summary>
    public IReadOnlyList<string> Identity => IdentityFields
        ?? Fields.Where(f => f.RecordRule && !f.Derived && !NaturalKey.Contains(f.Name)).Select(f => f.Name).ToArray();

    public FieldSpec Field(string name) =>
        Fields.FirstOrDefault(f => f.Name == name)
        ?? throw new KeyNotFoundException($"Dataset {Name} has no field {name}.");

    // A loop, not LINQ: called per row by the pipeline's derivations, where a closure per call adds up.
    public FieldSpec? FindField(string name)
    {
        foreach (var f in Fields)
        {
            if (f.Name == name) return f;
        }
        return null;
    }
}
