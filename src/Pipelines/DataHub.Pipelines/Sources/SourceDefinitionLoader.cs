using DataHub.Core.Failures;
using DataHub.Core.Schema;
using DataHub.Pipelines.Normalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace DataHub.Pipelines.Sources;

/// <summary>
/// Reads and checks a source definition file before any data is read, so a mistake in the file
/// fails at once with the file, the key and the fix, not halfway through an ingestion.
/// </summary>
public static class SourceDefinitionLoader
{
    public static SourceDefinition Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw Config("SOURCE_FILE_NOT_FOUND", $"找不到数据源定义文件 {full}", full, "检查路径；数据源定义是 .yaml 文件，示例见 docs/SOURCES.md");
        SourceDto dto;
        try
        {
            var yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
            dto = yaml.Deserialize<SourceDto>(File.ReadAllText(full)) ?? throw Config("SOURCE_EMPTY", "数据源定义文件为空", full, "按 docs/SOURCES.md 填写 id、dataset、connector 和 fields");
        }
        catch (YamlException e)
        {
            throw Config("SOURCE_YAML", $"数据源定义文件不是有效的 YAML：{FirstLine(e.Message)}", $"{full} 第{e.Start.Line}行第{e.Start.Column}列",
                "检查缩进（用空格，不用 Tab）、冒号后的空格和引号是否成对");
        }
        return Validate(dto, full) with { Text = File.ReadAllText(full) };
    }

    private static SourceDefinition Validate(SourceDto d, string file)
    {
        string Need(string? v, string key) => string.IsNullOrWhiteSpace(v)
            ? throw Config("SOURCE_KEY_MISSING", $"数据源定义缺少“{key}”", file, $"加上 {key}: …（示例见 docs/SOURCES.md）")
            : v.Trim();

        var id = Need(d.Id, "id");
        var dataset = Need(d.Dataset, "dataset");
        if (!SchemaLoader.All.TryGetValue(dataset, out var schema) || dataset == "quality")
            throw Config("SOURCE_DATASET_UNKNOWN", $"dataset“{dataset}”不是共享数据集", $"{file} 的 dataset", $"可用数据集：{string.Join("、", SchemaLoader.All.Keys.Where(k => k != "quality"))}（quality 由平台在发布时计算）");
        if (d.Connector is null || !d.Connector.TryGetValue("type", out var connectorType))
            throw Config("SOURCE_KEY_MISSING", "数据源定义缺少“connector.type”", file, "加上 connector: { type: csv, path: 文件名.csv }");
        if (d.Fields is null || d.Fields.Count == 0)
            throw Config("SOURCE_KEY_MISSING", "数据源定义没有 fields（源列到共享字段的映射）", file, "加上 fields: 每个共享字段写 from: 源列名");

        var fields = new List<FieldMapping>();
        foreach (var (name, f) in d.Fields)
        {
            var where = $"{file} 的 fields.{name}";
            var spec = schema.FindField(name)
                ?? throw Config("MAPPING_FIELD_UNKNOWN", $"共享数据集“{schema.Title}”没有字段“{name}”", where, $"可用字段：{string.Join("、", schema.Fields.Where(x => !x.Derived).Select(x => $"{x.Name}（{x.Title}）"))}");
            if (spec.Derived)
                throw Config("MAPPING_FIELD_DERIVED", $"字段“{name}”（{spec.Title}）由平台生成，不能从源数据映射", where, "删除这一项");
            if (f.NotSupplied == true)
            {
                if (f.From is not null || f.Constant is not null)
                    throw Config("MAPPING_SOURCE", $"字段“{name}”写了 not_supplied: true，就不能再写 from 或 constant", where, "删除 from/constant，或删除 not_supplied");
                if (spec.Required && !Derivations.CanDerive(schema, spec))
                    throw Config("MAPPING_REQUIRED_NOT_SUPPLIED", $"字段“{name}”（{spec.Title}）是必填字段，不能声明为不提供", where, $"用 from: 源列名 映射该字段");
                fields.Add(new FieldMapping(name, null, null, [], new Dictionary<string, string>(), [], NotSupplied: true));
                continue;
            }
            if ((f.From is null) == (f.Constant is null))
                throw Config("MAPPING_SOURCE", $"字段“{name}”必须且只能写 from（源列名）、constant（常量）或 not_supplied: true 之一", where, "例如 from: 姓名；源数据没有该信息时写 not_supplied: true，不要用常量填充");
            foreach (var t in f.Transforms ?? [])
            {
                if (!ValueTransforms.IsKnown(t))
                    throw Config("MAPPING_TRANSFORM_UNKNOWN", $"未知的转换“{t}”", where, $"可用转换：{string.Join("、", ValueTransforms.Known)}");
            }
            fields.Add(new FieldMapping(name, f.From, f.Constant, f.Transforms ?? [], f.Values ?? new Dictionary<string, string>(), f.NullValues ?? []));
        }
        foreach (var required in schema.Fields.Where(x => x.Required && !x.Derived && !Derivations.CanDerive(schema, x)))
        {
            if (fields.All(m => m.Field != required.Name))
                throw Config("MAPPING_REQUIRED_UNMAPPED", $"必填字段“{required.Name}”（{required.Title}）没有映射", $"{file} 的 fields", $"加上 {required.Name}: {{ from: 源文件中的列名 }}");
        }

        IReadOnlyList<string>? scope = null;
        if (d.Scope is { } declaredScope)
        {
            if (declaredScope.Count == 0)
                throw Config("SOURCE_SCOPE", "scope 不能为空列表", $"{file} 的 scope", "写出本数据源负责的区划代码，如 scope: [\"320113\"]；或删除 scope，按首次运行的数据确定");
            foreach (var code in declaredScope)
            {
                if (code is null || code.Length is not (6 or 9 or 12) || !code.All(char.IsAsciiDigit))
                    throw Config("SOURCE_SCOPE", $"scope 中的“{code}”不是6位区县、9位街道或12位社区代码", $"{file} 的 scope", "例如 scope: [\"320113\"] 或 [\"320113002\", \"320113003\"]（代码加引号）");
            }
            scope = declaredScope.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }

        var department = d.Department ?? throw Config("SOURCE_KEY_MISSING", "数据源定义缺少“department”（提供部门）", file, "加上 department: { code: …, name: … }");
        var catalog = d.Catalog ?? throw Config("SOURCE_KEY_MISSING", "数据源定义缺少“catalog”（共享属性）", file, "加上 catalog: { resource_code, share_type, update_cycle }");
        return new SourceDefinition(
            id,
            d.Name ?? id,
            dataset,
            file,
            department.ToDepartment(Need),
            catalog.ToTerms(Need),
            connectorType,
            d.Connector.Where(kv => kv.Key != "type").ToDictionary(kv => kv.Key, kv => kv.Value),
            fields) { Scope = scope, Schedule = string.IsNullOrWhiteSpace(d.Schedule) ? null : d.Schedule.Trim() };
    }

    private static string FirstLine(string s) => s.Split('\n')[0];

    private static DataHubException Config(string code, string message, string where, string fix) =>
        new(FailureKind.Config, code, message, where, fix);

    // YamlDotNet needs settable properties; these DTOs never leave this file.
    private sealed class SourceDto
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public string? Dataset { get; set; }
        public DepartmentYaml? Department { get; set; }
        public CatalogYaml? Catalog { get; set; }
        public Dictionary<string, string>? Connector { get; set; }
        public Dictionary<string, FieldDto>? Fields { get; set; }
        public string? Schedule { get; set; }
        public List<string>? Scope { get; set; }
    }

    private sealed class FieldDto
    {
        public string? From { get; set; }
        public string? Constant { get; set; }
        public List<string>? Transforms { get; set; }
        public Dictionary<string, string>? Values { get; set; }
        public List<string>? NullValues { get; set; }
        public bool? NotSupplied { get; set; }
    }
}
