using DataHub.TestKit;
using System.Text.Json;
using System.Text.RegularExpressions;
using DataHub.Core.Schema;
using DataHub.Core.Standards;
using Xunit;

namespace DataHub.Core.Tests.Schema;

/// <summary>
/// Keeps the C# side in step with <c>schemas/</c>: a schema file may only promise what the code
/// does (a standard with a rule, a mask that suits the type, a title OData accepts), and the copy
/// embedded in DataHub.Core must be the file in the checkout, so a stale build cannot hide a change.
/// </summary>
public sealed partial class SharedSchemaFilesTests
{
    private static readonly string[] ExpectedDatasets =
    [
        "address", "address_match", "care_household_list", "care_visit_list", "community_enterprise", "community_profile",
        "community_stats", "enterprise", "freshness", "health", "house_occupancy", "housing", "lineage", "person_link", "population", "quality",
    ];

    // The derivations the pipeline implements (schemas/README.md, "Derived fields"): a schema that
    // marks any other field x-derived would promise a value nobody computes.
    private static readonly HashSet<string> KnownDerivations =
    [
        "record_id",
        "province_code", "city_code", "district_code", "street_code",
        "province_name", "city_name", "district_name", "street_name", "community_name",
    ];

    private static readonly MaskKind[] StringOnlyMasks = [MaskKind.IdNumber, MaskKind.Phone, MaskKind.Name, MaskKind.Address, MaskKind.Hash];

    // The rules below are for the datasets departments feed (and the quality figures); the derived
    // datasets are computed by the platform with keys and scopes of their own (docs/DERIVED.md) and
    // are checked by loading (above) and by their own tests.
    private static readonly string[] DerivedDatasets =
    [
        "address_match", "care_household_list", "care_visit_list", "community_enterprise", "community_profile",
        "community_stats", "house_occupancy", "lineage", "person_link",
    ];

    public static TheoryData<string> Datasets => new(ExpectedDatasets.Except(DerivedDatasets));

    /// <summary>The datasets of rows about residents, places and units: all but freshness, a catalog dataset (one row per dataset, no community).</summary>
    public static TheoryData<string> RowDatasets => new(ExpectedDatasets.Except(DerivedDatasets).Where(d => d != "freshness"));

    // OData CSDL SimpleIdentifier, restricted to letters (Chinese included), digits and '_'.
    [GeneratedRegex(@"^[\p{L}_][\p{L}\p{Nd}_]{0,127}$")]
    private static partial Regex SimpleIdentifier();

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex PascalCaseAscii();

    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")]
    private static partial Regex SemVer();

    [Fact]
    public void All_EmbeddedSchemas_LoadAsExactlyTheSharedAndDerivedDatasets()
    {
        var names = SchemaLoader.All.Keys.Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(ExpectedDatasets, names);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Get_Dataset_NameMatchesAndVersionIsSemantic(string dataset)
    {
        var schema = SchemaLoader.Get(dataset);

        Assert.Equal(dataset, schema.Name);
        Assert.Matches(SemVer(), schema.Version);
        Assert.False(string.IsNullOrWhiteSpace(schema.Title));
        Assert.False(string.IsNullOrWhiteSpace(schema.Description));
        Assert.NotEmpty(schema.Fields);
    }

    [Fact]
    public void Get_UnknownDataset_ThrowsKeyNotFound()
    {
        Assert.Throws<KeyNotFoundException>(() => SchemaLoader.Get("no_such_dataset"));
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Fields_WithStandard_NameAStandardTheRegistryKnows(string dataset)
    {
        var unknown = SchemaLoader.Get(dataset).Fields
            .Where(f => f.Standard is not null && !StandardRegistry.IsKnown(f.Standard))
            .Select(f => $"{f.Name}: {f.Standard}")
            .ToArray();

        Assert.Empty(unknown);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Properties_XMask_ParsesAndSuitsTheFieldType(string dataset)
    {
        var schema = SchemaLoader.Get(dataset);
        using var doc = JsonDocument.Parse(SchemaLoader.RawText(dataset));
        var problems = new List<string>();
        foreach (var property in doc.RootElement.GetProperty("properties").EnumerateObject())
        {
            if (!property.Value.TryGetProperty("x-mask", out var maskElement)) continue;
            var parsed = MaskKinds.Parse(maskElement.GetString()!);
            if (parsed is not { } mask) { problems.Add($"{property.Name}: unknown mask '{maskElement.GetString()}'"); continue; }
            if (!MaskKinds.Fits(mask, schema.Field(property.Name).Type) && mask != MaskKind.None)
                problems.Add($"{property.Name}: the serving layer cannot apply mask {mask} to this type");
            var type = schema.Field(property.Name).Type;
            if (StringOnlyMasks.Contains(mask) && type != FieldType.String)
                problems.Add($"{property.Name}: mask {mask} needs a string, the field is {type}");
            if (mask == MaskKind.Year && type is not (FieldType.Date or FieldType.DateTimeOffset))
                problems.Add($"{property.Name}: mask Year needs a date, the field is {type}");
        }

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Fields_SensitivePersonal_HaveAMask(string dataset)
    {
        // Sensitive personal information (GB/T 35273) must never be shown as stored by default.
        var unmasked = SchemaLoader.Get(dataset).Fields
            .Where(f => f.Sensitivity == Sensitivity.SensitivePersonal && f.DefaultMask == MaskKind.None)
            .Select(f => f.Name)
            .ToArray();

        Assert.Empty(unmasked);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void KeyField_Dataset_IsRequiredDerivedRecordId(string dataset)
    {
        var schema = SchemaLoader.Get(dataset);
        var key = schema.Field(schema.KeyField);

        Assert.Equal("record_id", key.Name);
        Assert.True(key.Required, "the key must be required");
        Assert.True(key.Derived, "the key must be derived from the natural key");
        Assert.Equal(FieldType.String, key.Type);
        Assert.Equal(16, key.MaxLength);
        Assert.Equal(MaskKind.None, key.DefaultMask);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void NaturalKey_Dataset_FieldsExistAreRequiredAndComeFromTheSource(string dataset)
    {
        var schema = SchemaLoader.Get(dataset);

        Assert.NotEmpty(schema.NaturalKey);
        Assert.DoesNotContain(schema.KeyField, schema.NaturalKey);
        foreach (var name in schema.NaturalKey)
        {
            var field = schema.FindField(name);
            Assert.NotNull(field);
            // Optional only when a fallback key identifies the rows without it (x-fallback-key).
            Assert.True(field.Required || schema.FallbackKey is { Count: > 0 }, $"natural key {name} must be required");
            Assert.False(field.Derived, $"natural key {name} must come from the source");
        }
        foreach (var name in schema.FallbackKey ?? [])
        {
            var field = schema.FindField(name);
            Assert.NotNull(field);
            Assert.False(field.Derived && name != schema.ScopeField, $"fallback key {name} must come from the source");
            Assert.DoesNotContain(name, schema.NaturalKey);
        }
    }

    [Theory]
    [MemberData(nameof(RowDatasets))]
    public void ScopeField_Dataset_IsRequiredCommunityCodeWithDerivedNameAndStreet(string dataset)
    {
        var schema = SchemaLoader.Get(dataset);

        Assert.Equal("community_code", schema.ScopeField);
        var scope = schema.Field("community_code");
        Assert.True(scope.Required);
        Assert.Equal(FieldType.String, scope.Type);
        Assert.Equal("统计用区划代码", scope.Standard);
        Assert.Equal(12, scope.MaxLength);
        Assert.True(schema.Field("community_name").Derived);
        var street = schema.Field("street_code");
        Assert.True(street.Derived);
        Assert.Equal(9, street.MaxLength);
    }

    [Theory]
    [MemberData(nameof(RowDatasets))]
    public void VersionField_Dataset_IsUpdatedAtDateTime(string dataset)
    {
        var schema = SchemaLoader.Get(dataset);

        Assert.Equal("updated_at", schema.VersionField);
        Assert.Equal(FieldType.DateTimeOffset, schema.Field("updated_at").Type);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Fields_Derived_UseOnlyKnownDerivations(string dataset)
    {
        var unknown = SchemaLoader.Get(dataset).Fields
            .Where(f => f.Derived && !KnownDerivations.Contains(f.Name))
            .Select(f => f.Name)
            .ToArray();

        Assert.Empty(unknown);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Titles_Dataset_AreUniqueODataSimpleIdentifiers(string dataset)
    {
        var titles = SchemaLoader.Get(dataset).Fields.Select(f => f.Title).ToArray();

        Assert.All(titles, t => Assert.Matches(SimpleIdentifier(), t));
        // OData property names must differ ignoring case too: Excel and Power Query treat them so.
        Assert.Equal(titles.Length, titles.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void FieldNames_Dataset_AreSnakeCaseAscii(string dataset)
    {
        Assert.All(SchemaLoader.Get(dataset).Fields, f => Assert.Matches(SnakeCase(), f.Name));
    }

    [Fact]
    public void EntitySetNames_AllDatasets_AreUniqueAsciiPascalCase()
    {
        var names = SchemaLoader.All.Values.Select(s => s.EntitySetName).ToArray();

        Assert.All(names, n => Assert.Matches(PascalCaseAscii(), n));
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Fields_Decimal_HaveSanePrecisionAndOthersNoDecimalKeywords(string dataset)
    {
        using var doc = JsonDocument.Parse(SchemaLoader.RawText(dataset));
        var schema = SchemaLoader.Get(dataset);
        foreach (var property in doc.RootElement.GetProperty("properties").EnumerateObject())
        {
            var field = schema.Field(property.Name);
            if (field.Type == FieldType.Decimal)
            {
                Assert.InRange(field.Precision, 1, 38);
                Assert.InRange(field.Scale, 0, field.Precision);
            }
            else
            {
                Assert.False(property.Value.TryGetProperty("x-precision", out _), $"{property.Name} is not a decimal but has x-precision");
                Assert.False(property.Value.TryGetProperty("x-scale", out _), $"{property.Name} is not a decimal but has x-scale");
            }
            if (field.AllowedValues is not null)
            {
                Assert.Equal(FieldType.String, field.Type);
                Assert.NotEmpty(field.AllowedValues);
                Assert.Equal(field.AllowedValues.Count, field.AllowedValues.Distinct(StringComparer.Ordinal).Count());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void RawText_Dataset_IsStructurallyAJsonSchemaWithDataHubKeywords(string dataset)
    {
        using var doc = JsonDocument.Parse(SchemaLoader.RawText(dataset));
        var root = doc.RootElement;

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", root.GetProperty("$schema").GetString());
        Assert.Equal("object", root.GetProperty("type").GetString());
        Assert.Equal(dataset, root.GetProperty("x-dataset").GetString());
        Assert.Equal($"urn:datahub:schema:{dataset}:{root.GetProperty("x-version").GetString()}", root.GetProperty("$id").GetString());
        var properties = root.GetProperty("properties");
        Assert.Equal(JsonValueKind.Object, properties.ValueKind);
        Assert.NotEmpty(properties.EnumerateObject());
        foreach (var property in properties.EnumerateObject())
        {
            Assert.Equal(JsonValueKind.Object, property.Value.ValueKind);
            foreach (var keyword in new[] { "type", "title", "description", "x-sensitivity" })
            {
                Assert.True(property.Value.TryGetProperty(keyword, out var value), $"{property.Name} lacks '{keyword}'");
                if (keyword != "type")
                {
                    Assert.Equal(JsonValueKind.String, value.ValueKind);
                    Assert.False(string.IsNullOrWhiteSpace(value.GetString()), $"{property.Name} has an empty '{keyword}'");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Required_Dataset_NamesExistingNonNullableProperties(string dataset)
    {
        using var doc = JsonDocument.Parse(SchemaLoader.RawText(dataset));
        var properties = doc.RootElement.GetProperty("properties");
        var required = doc.RootElement.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToArray();

        Assert.Equal(required.Length, required.Distinct(StringComparer.Ordinal).Count());
        foreach (var name in required)
        {
            Assert.True(properties.TryGetProperty(name, out var property), $"required '{name}' is not a property");
            var type = property.GetProperty("type");
            Assert.True(type.ValueKind == JsonValueKind.String, $"required '{name}' must not be nullable");
        }
    }

    [Fact]
    public void EmbeddedSchemas_ComparedWithRepositoryFiles_AreTheSameFilesAndText()
    {
        var folder = Path.Combine(RepoPaths.Root.FullName, "schemas");
        var files = Directory.GetFiles(folder, "*.schema.json")
            .ToDictionary(p => Path.GetFileName(p)[..^".schema.json".Length], StringComparer.Ordinal);

        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), SchemaLoader.All.Keys.Order(StringComparer.Ordinal));
        foreach (var (dataset, path) in files)
        {
            // A mismatch means the test ran against a stale build of DataHub.Core: rebuild.
            Assert.Equal(File.ReadAllText(path), SchemaLoader.RawText(dataset));
        }
    }
}
