using DataHub.Core.Failures;
using DataHub.Host.Composition;
using DataHub.Pipelines.Sources;

namespace DataHub.Host.Jobs;

/// <summary>The declared sources of an instance: every <c>*.yaml</c> in the data folder's <c>sources/</c>.</summary>
public sealed class SourceDirectory(DataDirectory data)
{
    /// <summary>Every definition that loads, and the config errors of those that do not.</summary>
    public (IReadOnlyList<SourceDefinition> Sources, IReadOnlyList<DataHubException> Errors) LoadAll()
    {
        var sources = new List<SourceDefinition>();
        var errors = new List<DataHubException>();
        if (!Directory.Exists(data.SourcesDirectory)) return (sources, errors);
        foreach (var file in Directory.EnumerateFiles(data.SourcesDirectory, "*.yaml").Order(StringComparer.Ordinal))
        {
            try
            {
                sources.Add(SourceDefinitionLoader.Load(file));
            }
            catch (DataHubException e)
            {
                errors.Add(e);
            }
        }
        return (sources, errors);
    }

    /// <summary>The definition file of a source, by id or by path.</summary>
    public string Resolve(string sourceIdOrFile)
    {
        if (sourceIdOrFile.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && File.Exists(sourceIdOrFile)) return Path.GetFullPath(sourceIdOrFile);
        var (sources, _) = LoadAll();
        return sources.FirstOrDefault(s => s.Id == sourceIdOrFile)?.FilePath
            ?? throw new DataHubException(FailureKind.Config, "SOURCE_NOT_DECLARED", $"没有 id 为“{sourceIdOrFile}”的数据源",
                data.SourcesDirectory, $"已声明的数据源：{string.Join("、", sources.Select(s => s.Id).DefaultIfEmpty("（无）"))}；新数据源请把 .yaml 文件放进该目录");
    }
}
