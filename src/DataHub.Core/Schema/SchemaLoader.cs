using System.Reflection;
using System.Text.Json;

namespace DataHub.Core.Schema;

/// <summary>
/// Reads the shared-schema files (JSON Schema 2020-12 with <c>x-</c> extensions, see schemas/README.md).
/// A malformed file is a build defect, so errors name the file and the keyword.
/// </summary>
public static class SchemaLoader
{
    private static readonly Lazy<IReadOnlyDictionary<string, DatasetSchema>> Embedded = new(LoadEmbedded);

    /// <summary>The schemas shipped in this assembly, by dataset name.</summary>
    public static IReadOnlyDictionary<string, DatasetSchema> All => Embedded.Value;

    public static DatasetSchema Get(string dataset) =>
        All.TryGetValue(dataset, out var schema)
            ? schema
            : throw new KeyNotFoundException($"No shared schema named '{dataset}'. Known: {string.Join(", ", All.Keys)}.");

    /// <summary>The raw text of an embedded schema file, for the catalog's schema history.</summary>
    public static string RawText(string dataset)
    {
        using var stream = typeof(SchemaLoader).Assembly.GetManifestResourceStream($"schemas/{dataset}.schema.json")
            ?? throw new KeyNotFoundException($"No embedded schema file for '{dataset}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static DatasetSchema Parse(string json, string origin)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string Req(JsonElement e, string prop, string at) =>
            e.TryGetProperty(prop, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : throw new FormatException($"{origin}: '{at}' needs the string keyword '{prop}'.");
        string? Opt(JsonElement e, string prop) =>
            e.TryGetProperty(prop, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var required = root.TryGetProperty("required", out var req)
            ? req.EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        // Record-level fields: declared by x-record-fields, or by default the required fields, the natural key and the scope.
        var recordFields = root.TryGetProperty("x-record-fields", out var rf)
            ? rf.EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal)
            : required.Concat(root.TryGetProperty("x-natural-key", out var nk0) ? nk0.EnumerateArray().Select(x => x.GetString()!) : [])
                .Append(Opt(root, "x-scope") ?? "").ToHashSet(StringComparer.Ordinal);
        var fields = new List<FieldSpec>();
        foreach (var p in root.GetProperty("properties").EnumerateObject())
        {
            var f = p.Value;
            var at = $"properties.{p.Name}";
            var type = ParseType(f, origin, at);
            fields.Add(new FieldSpec(
                p.Name,
                Req(f, "title", at),
                Req(f, "description", at),
                type,
                required.Contains(p.Name),
                ParseSensitivity(Req(f, "x-sensitivity", at), origin, at),
                ParseMask(Opt(f, "x-mask") ?? "none", origin, at),
                Opt(f, "x-standard"),
                f.TryGetProperty("maxLength", out var ml) ? ml.GetInt32() : null,
                f.TryGetProperty("x-precision", out var pr) ? pr.GetInt32() : 18,
                f.TryGetProperty("x-scale", out var sc) ? sc.GetInt32() : 2,
                f.TryGetProperty("enum", out var en) ? en.EnumerateArray().Select(x => x.GetString()!).ToArray() : null,
                f.TryGetProperty("x-derived", out var d) && d.GetBoolean(),
                recordFields.Contains(p.Name)));
        }
        foreach (var r in recordFields.Where(r => r.Length > 0))
        {
            if (fields.All(f => f.Name != r)) throw new FormatException($"{origin}: x-record-fields names '{r}', which is not among properties.");
        }
        foreach (var r in required)
        {
            if (fields.All(f => f.Name != r)) throw new FormatException($"{origin}: required field '{r}' is not among properties.");
        }

        var schema = new DatasetSchema(
            Req(root, "x-dataset", "root"),
            Req(root, "x-version", "root"),
            Req(root, "title", "root"),
            Req(root, "description", "root"),
            Req(root, "x-entity-set", "root"),
            Req(root, "x-key", "root"),
            root.TryGetProperty("x-natural-key", out var nk) ? nk.EnumerateArray().Select(x => x.GetString()!).ToArray() : [],
            Opt(root, "x-scope"),
            Opt(root, "x-version-field"),
            fields,
            root.TryGetProperty("x-identity-fields", out var idf) ? idf.EnumerateArray().Select(x => x.GetString()!).ToArray() : null,
            Opt(root, "x-dataset-field"),
            root.TryGetProperty("x-fallback-key", out var fk) ? fk.EnumerateArray().Select(x => x.GetString()!).ToArray() : null);
        foreach (var name in schema.NaturalKey.Append(schema.KeyField).Concat(schema.IdentityFields ?? []).Concat(schema.FallbackKey ?? []).Concat(new[] { schema.ScopeField, schema.VersionField, schema.DatasetField }.OfType<string>()))
        {
            if (schema.FindField(name) is null) throw new FormatException($"{origin}: '{name}' is named at the root but is not a property.");
        }
        return schema;
    }

    private static FieldType ParseType(JsonElement f, string origin, string at)
    {
        var type = f.GetProperty("type");
        var name = type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).First(t => t != "null")
            : type.GetString();
        var format = f.TryGetProperty("format", out var fmt) ? fmt.GetString() : null;
        return (name, format) switch
        {
            ("string", "date") => FieldType.Date,
            ("string", "date-time") => FieldType.DateTimeOffset,
            ("string", _) => FieldType.String,
            ("integer", "int32") => FieldType.Int32,
            ("integer", _) => FieldType.Int64,
            ("number", "double") => FieldType.Double,
            ("number", _) => FieldType.Decimal,
            ("boolean", _) => FieldType.Boolean,
            _ => throw new FormatException($"{origin}: {at} has an unsupported type '{name}'/'{format}'."),
        };
    }

    private static Sensitivity ParseSensitivity(string value, string origin, string at) => value switch
    {
        "public" => Sensitivity.Public,
        "internal" => Sensitivity.Internal,
        "personal" => Sensitivity.Personal,
        "sensitive_personal" => Sensitivity.SensitivePersonal,
        _ => throw new FormatException($"{origin}: {at} has an unknown x-sensitivity '{value}'."),
    };

    private static MaskKind ParseMask(string value, string origin, string at) =>
        MaskKinds.Parse(value) ?? throw new FormatException($"{origin}: {at} has an unknown x-mask '{value}'.");

    private static IReadOnlyDictionary<string, DatasetSchema> LoadEmbedded()
    {
        var asm = typeof(SchemaLoader).Assembly;
        var result = new Dictionary<string, DatasetSchema>(StringComparer.Ordinal);
        foreach (var res in asm.GetManifestResourceNames().Where(n => n.StartsWith("schemas/", StringComparison.Ordinal)))
        {
            using var stream = asm.GetManifestResourceStream(res)!;
            using var reader = new StreamReader(stream);
            var schema = Parse(reader.ReadToEnd(), res);
            result.Add(schema.Name, schema);
        }
        return result;
    }
}
