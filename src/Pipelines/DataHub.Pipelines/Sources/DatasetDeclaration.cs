using DataHub.Core.Failures;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace DataHub.Pipelines.Sources;

/// <summary>
/// A dataset's own catalog declaration, <c>datasets/{dataset}.yaml</c> beside the source files:
/// the providing department and the sharing terms of the dataset as a whole. When several sources
/// feed one dataset, the catalog entry's provider fields come from here, never from whichever
/// source ran last. Without the file, the first source's terms register the dataset and later
/// sources of other departments do not overwrite them.
/// </summary>
public static class DatasetDeclaration
{
    public static string PathFor(string sourceFolder, string dataset) => Path.Combine(sourceFolder, "datasets", dataset + ".yaml");

    /// <summary>The declaration for <paramref name="dataset"/> beside a source, or null when there is none.</summary>
    public static (Department Department, CatalogTerms Catalog)? TryLoad(string sourceFolder, string dataset)
    {
        var file = PathFor(sourceFolder, dataset);
        if (!File.Exists(file)) return null;
        Dto dto;
        try
        {
            dto = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<Dto>(File.ReadAllText(file)) ?? new Dto();
        }
        catch (YamlException e)
        {
            throw new DataHubException(FailureKind.Config, "DATASET_YAML", $"数据集声明文件不是有效的 YAML：{e.Message.Split('\n')[0]}", $"{file} 第{e.Start.Line}行", "检查缩进和冒号后的空格");
        }
        string Need(string? v, string key) => string.IsNullOrWhiteSpace(v)
            ? throw new DataHubException(FailureKind.Config, "DATASET_KEY_MISSING", $"数据集声明缺少“{key}”", file, $"加上 {key}: …（见 docs/PUBLISHING.md）")
            : v.Trim();
        return ((dto.Department ?? new DepartmentYaml()).ToDepartment(Need), (dto.Catalog ?? new CatalogYaml()).ToTerms(Need));
    }

    private sealed class Dto
    {
        public DepartmentYaml? Department { get; set; }
        public CatalogYaml? Catalog { get; set; }
    }
}
