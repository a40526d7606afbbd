namespace DataHub.Pipelines.Sources;

// The department and sharing terms as both a source file and a dataset declaration write them.
// YamlDotNet needs settable properties; these shapes never leave the Sources folder.

internal sealed class DepartmentYaml
{
    public string? Code { get; set; }
    public string? Name { get; set; }

    /// <summary>The department, each key checked by <paramref name="need"/> (which throws the caller's config error).</summary>
    public Department ToDepartment(Func<string?, string, string> need) =>
        new(need(Code, "department.code"), need(Name, "department.name"));
}

internal sealed class CatalogYaml
{
    public string? ResourceCode { get; set; }
    public string? ShareType { get; set; }
    public string? ShareCondition { get; set; }
    public string? UpdateCycle { get; set; }

    /// <summary>The sharing terms, each required key checked by <paramref name="need"/>.</summary>
    public CatalogTerms ToTerms(Func<string?, string, string> need) =>
        new(need(ResourceCode, "catalog.resource_code"), need(ShareType, "catalog.share_type"), ShareCondition, need(UpdateCycle, "catalog.update_cycle"));
}
