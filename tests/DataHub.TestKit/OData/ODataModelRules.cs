using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Validation;

namespace DataHub.TestKit.OData;

/// <summary>
/// Parses <c>$metadata</c> like Power Query does and checks the model rules of EXCEL-ODATA.md (6, 7):
/// Edmx 4.0, CsdlReader without errors, model validates, keys, no open types, no navigation properties,
/// no Edm.Untyped, flat primitive columns, SimpleIdentifier names of at most 128 characters, no two names
/// differing only by case.
/// </summary>
public static partial class ODataModelRules
{
    public const string EdmxNamespace = "http://docs.oasis-open.org/odata/ns/edmx";
    public const int MaxNameLength = 128;

    [GeneratedRegex(@"^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\p{Cf}]*$")]
    private static partial Regex SimpleIdentifierRegex();

    /// <summary>True when <paramref name="name"/> is a CSDL SimpleIdentifier of at most 128 characters.</summary>
    public static bool IsSimpleIdentifier(string name) =>
        name.Length is > 0 and <= MaxNameLength && SimpleIdentifierRegex().IsMatch(name);

    /// <summary>Parses CSDL XML strictly and checks the model; throws <see cref="StrictODataException"/>.</summary>
    public static IEdmModel ParseMetadata(string csdlXml, Uri? url = null)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(csdlXml);
        }
        catch (XmlException e)
        {
            throw new StrictODataException(url, $"$metadata is not well-formed XML: {e.Message}", e);
        }

        var root = doc.Root!;
        if (root.Name != XName.Get("Edmx", EdmxNamespace))
        {
            throw new StrictODataException(url, $"$metadata root element is {root.Name}, expected {{{EdmxNamespace}}}Edmx");
        }

        var version = (string?)root.Attribute("Version");
        if (version != "4.0")
        {
            throw new StrictODataException(url, $"$metadata has Edmx Version=\"{version}\", expected \"4.0\"");
        }

        IEdmModel model;
        IEnumerable<EdmError> errors;
        using (var stringReader = new StringReader(csdlXml))
        using (var xmlReader = XmlReader.Create(stringReader))
        {
            if (!CsdlReader.TryParse(xmlReader, out model, out errors))
            {
                throw new StrictODataException(url, "CsdlReader could not parse $metadata (Excel: \"metadata appears to be invalid\"):\n  "
                    + string.Join("\n  ", errors.Select(FormatError)));
            }
        }

        CheckModel(model, url);
        return model;
    }

    /// <summary>Checks an already parsed model against the rules; throws <see cref="StrictODataException"/>.</summary>
    public static void CheckModel(IEdmModel model, Uri? url = null)
    {
        var problems = new List<string>();
        if (!model.Validate(out var validationErrors))
        {
            problems.AddRange(validationErrors.Select(e => "model validation: " + FormatError(e)));
        }

        if (model.EntityContainer is null)
        {
            problems.Add("the model has no EntityContainer");
        }

        var schemaElements = model.SchemaElements.ToList();
        foreach (var element in schemaElements)
        {
            CheckName(problems, element.Name, $"schema element {element.FullName()}");
        }

        AddCaseCollisions(problems, schemaElements.Select(e => e.FullName()), "schema elements");

        foreach (var type in schemaElements.OfType<IEdmStructuredType>())
        {
            var typeName = ((IEdmSchemaElement)type).FullName();
            if (type.IsOpen)
            {
                problems.Add($"{typeName} is an open type (Excel needs flat, fixed columns)");
            }

            if (type is IEdmEntityType entityType)
            {
                var key = entityType.Key()?.ToList() ?? [];
                if (key.Count == 0)
                {
                    problems.Add($"entity type {typeName} has no key");
                }
            }

            foreach (var nav in type.DeclaredProperties.OfType<IEdmNavigationProperty>())
            {
                problems.Add($"{typeName}.{nav.Name} is a navigation property (flat tables only)");
            }

            foreach (var property in type.DeclaredStructuralProperties())
            {
                CheckName(problems, property.Name, $"property {typeName}.{property.Name}");
                var propertyType = property.Type;
                var elementType = propertyType.IsCollection() ? propertyType.AsCollection().ElementType() : propertyType;
                if (propertyType.IsUntyped() || elementType.IsUntyped())
                {
                    problems.Add($"{typeName}.{property.Name} is Edm.Untyped");
                }
                else if (propertyType.IsCollection())
                {
                    problems.Add($"{typeName}.{property.Name} is a collection ({propertyType.FullName()}); flat tables only");
                }
                else if (!propertyType.IsPrimitive() && !propertyType.IsEnum() && !propertyType.IsTypeDefinition())
                {
                    problems.Add($"{typeName}.{property.Name} has non-primitive type {propertyType.FullName()}; flat tables only");
                }
            }

            AddCaseCollisions(problems, type.Properties().Select(p => p.Name), $"properties of {typeName}");
        }

        if (model.EntityContainer is { } container)
        {
            foreach (var element in container.Elements)
            {
                CheckName(problems, element.Name, $"container element {element.Name}");
            }

            AddCaseCollisions(problems, container.Elements.Select(e => e.Name), $"elements of container {container.Name}");
        }

        if (problems.Count > 0)
        {
            throw new StrictODataException(url, "$metadata breaks the model rules:\n  " + string.Join("\n  ", problems));
        }
    }

    private static void CheckName(List<string> problems, string name, string what)
    {
        if (name.Length > MaxNameLength)
        {
            problems.Add($"{what}: name is {name.Length} characters, more than {MaxNameLength}");
        }
        else if (!IsSimpleIdentifier(name))
        {
            problems.Add($"{what}: name '{name}' is not a SimpleIdentifier");
        }
    }

    private static void AddCaseCollisions(List<string> problems, IEnumerable<string> names, string where)
    {
        foreach (var group in names.Distinct(StringComparer.Ordinal).GroupBy(n => n, StringComparer.OrdinalIgnoreCase))
        {
            if (group.Count() > 1)
            {
                problems.Add($"{where}: names differ only by case: {string.Join(", ", group)}");
            }
        }
    }

    private static string FormatError(EdmError e) => $"{e.ErrorCode} at {e.ErrorLocation}: {e.ErrorMessage}";
}
